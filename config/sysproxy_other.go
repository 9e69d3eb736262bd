//go:build !windows && !darwin

package config

// systemProxies: elsewhere the system has no one proxy setting (desktop environments keep
// their own, and *_PROXY variables are ignored by design), so only the well-known ports count.
func systemProxies() []systemProxy { return nil }
