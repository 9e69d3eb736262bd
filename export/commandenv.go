package export

import (
	"slices"
	"strings"
)

// commandEnvNames are the variables an on_change command inherits by name; every LC_* and
// LIFELINE_* variable is kept too. Everything else (proxy settings, tokens, cloud
// credentials, whatever the user's shell exported) stays with lifeline.
var commandEnvNames = []string{"PATH", "HOME", "LANG", "TZ"}

// commandEnvPrefixes are the families of variables a command inherits.
var commandEnvPrefixes = []string{"LC_", "LIFELINE_"}

// CommandEnv is the environment an alert command runs with: from environ ("NAME=value"
// entries), only PATH, HOME, LANG, LC_*, TZ and LIFELINE_*, and never a variable named in
// secret (the ones the config read a ${…} secret from), even when its name would qualify.
func CommandEnv(environ, secret []string) []string {
	var env []string
	for _, kv := range environ {
		name, _, ok := strings.Cut(kv, "=")
		if !ok || slices.Contains(secret, name) {
			continue
		}
		if slices.Contains(commandEnvNames, name) || slices.ContainsFunc(commandEnvPrefixes, func(p string) bool {
			return strings.HasPrefix(name, p)
		}) {
			env = append(env, kv)
		}
	}
	return env
}
