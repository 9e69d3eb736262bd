package main

import (
	"context"
	"fmt"
	"io"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/cli"
)

// runCompletion prints the completion script for the shell named in args.
func runCompletion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && isHelpArg(args[0]) {
		if writeHelp(stdout, "completion") != nil {
			return checks.ExitUnknown
		}
		return 0
	}
	if len(args) != 1 {
		fmt.Fprintln(stderr, "lifeline completion: name one shell: bash, zsh or fish")
		usageHint(stderr, "completion")
		return checks.ExitUnknown
	}
	if err := commandLine().WriteCompletion(stdout, args[0]); err != nil {
		fmt.Fprintln(stderr, "lifeline completion:", checks.Sanitize(err.Error()))
		return checks.ExitUnknown
	}
	return 0
}

// runMan prints the man page.
func runMan(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("man", stderr)
	if code := parseFlags(fs, "man", args, stdout); code >= 0 {
		return code
	}
	if err := commandLine().WriteMan(stdout, manPage(versionOf(readBuildInfo()))); err != nil {
		fmt.Fprintln(stderr, "lifeline man:", err)
		return checks.ExitUnknown
	}
	return 0
}

// manPage is what the man page says beyond the commands and flags.
func manPage(v buildVersion) cli.Page {
	return cli.Page{
		Section: "1",
		Date:    v.date,
		Source:  program + " " + v.version,
		Manual:  "User Commands",
		Sections: []cli.Section{
			{Title: "Exit status", Body: `0: every check ok. 1: something slow or partial (degraded). 2: something blocked or a route down. 3: unknown: a bad config, a usage error, an interrupted or timed-out run.

The dashboard and status without --once exit 0 when ended by q, SIGINT or SIGTERM.`},
			{Title: "Environment", Body: `LIFELINE_CONFIG: the config file to read when --config is not given.

NO_COLOR: when set to anything non-empty, no colour.

LC_ALL, LC_CTYPE, LANG: a locale that is not UTF-8 makes the glyphs ASCII, as --ascii does.

Proxy variables (http_proxy, HTTPS_PROXY, ALL_PROXY...) are ignored: each route says how it goes out.`},
			{Title: "Files", Body: `The config is read from --config, else $LIFELINE_CONFIG, else lifeline/config.yaml in the user config directory: $XDG_CONFIG_HOME or ~/.config on Linux and BSD, ~/Library/Application Support on macOS, %AppData% on Windows. lifeline config path shows which one applies.

History is kept in the user state directory unless --state or state: says otherwise: $XDG_STATE_HOME/lifeline or ~/.local/state/lifeline on Linux and BSD, ~/Library/Application Support/lifeline on macOS, %LocalAppData%\lifeline on Windows.

/usr/lib/systemd/user/lifeline.service: the user unit the packages install; it runs lifeline status with metrics on 127.0.0.1:9464, and history and a results log in the user's state directory. Enable it with: systemctl --user enable --now lifeline.service

/usr/lib/systemd/system/lifeline.service: the same for a monitoring host, as a system service.`},
			{Title: "Signals", Body: `SIGHUP reloads the config of the dashboard and of status (systemctl reload does the same); it stops check and status --once. SIGINT and SIGTERM end every mode cleanly.`},
			{Title: "Examples", Body: `  lifeline
  lifeline check -v
  lifeline status --once --format nagios -w 500 -c 2000
  lifeline status --metrics 127.0.0.1:9464 --log results.jsonl
  lifeline config init && lifeline config check`},
			{Title: "Safety", Body: `lifeline never prints, logs or exports a proxy password or a URL's user information, strips control characters from anything a remote party wrote, and refuses to serve metrics beyond loopback unless --metrics-public is given.`},
		},
	}
}
