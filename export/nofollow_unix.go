//go:build unix

package export

import "syscall"

// openNoFollow makes open fail on a symbolic link.
const openNoFollow = syscall.O_NOFOLLOW
