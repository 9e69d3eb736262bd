//go:build !unix

package export

// openNoFollow is not available here; OpenResultLog still refuses a link it can see.
const openNoFollow = 0
