package store

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// Off as the state directory turns the store off.
const Off = "off"

// StateDir is where the store lives: flag (--state) wins over config (state:); either may be
// Off. The default is $XDG_STATE_HOME/lifeline on Linux and the BSDs (~/.local/state when
// unset), the user's Application Support folder on macOS and %LocalAppData% on Windows. An
// empty result with a nil error means the store is off.
func StateDir(flag, config string, env func(string) string) (string, error) {
	for _, dir := range []string{flag, config} {
		switch dir {
		case "":
			continue
		case Off:
			return "", nil
		}
		return dir, nil
	}
	return defaultDir(runtime.GOOS, env)
}

func defaultDir(goos string, env func(string) string) (string, error) {
	home := env("HOME")
	switch goos {
	case "windows":
		if d := env("LocalAppData"); d != "" {
			return filepath.Join(d, "lifeline"), nil
		}
		return "", errors.New("%LocalAppData% is not set; use --state DIR")
	case "darwin", "ios":
		if home != "" {
			return filepath.Join(home, "Library", "Application Support", "lifeline"), nil
		}
	default:
		if d := env("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "lifeline"), nil
		}
		if home != "" {
			return filepath.Join(home, ".local", "state", "lifeline"), nil
		}
	}
	if h, err := os.UserHomeDir(); err == nil && goos == runtime.GOOS {
		return defaultDir(goos, func(k string) string {
			if k == "HOME" {
				return h
			}
			return env(k)
		})
	}
	return "", errors.New("no home directory to keep history in; use --state DIR or --state off")
}
