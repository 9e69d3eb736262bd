package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"strings"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/config"
	"github.com/lifeline-app/lifeline/export"
	"github.com/lifeline-app/lifeline/internal/cli"
	"github.com/lifeline-app/lifeline/ui"
)

// The command line, described once. run() dispatches on this registry; --help, `lifeline man`
// and `lifeline completion` render it; each command's flags are defined by one function that
// both its run function and the registry call.

const program = "lifeline"

// command is one entry of the registry.
type command struct {
	path     string // words after the program name: "" for the dashboard, "config check"
	operands string
	choices  []string // operand values to complete
	summary  string
	about    string
	flags    func(fs *flag.FlagSet) // defines the command's flags; nil when it has none
	// run runs the command with the arguments after its path; nil for a command that only
	// groups subcommands.
	run func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands is the registry, parents before their subcommands. It is filled in init because
// the run functions it holds print help from it.
var commands []command

func init() {
	commands = []command{
		{
			path:    "",
			summary: "which of your ways out still reaches your messengers, and how fast",
			about: `live dashboard (status lines when stdout is not a terminal)

Config is read from --config, else $LIFELINE_CONFIG, else the user config directory
(lifeline/config.yaml). With none, lifeline runs on its embedded default: the direct route,
VPN-looking interfaces and proxies on well-known local ports, and WhatsApp, Telegram, Signal,
MAX and the push channels (FCM, APNs).

SIGHUP (or ctrl+r in the dashboard) reloads the config of a running dashboard or status;
SIGINT and SIGTERM end any mode cleanly.`,
			flags: func(fs *flag.FlagSet) { defineDashboardFlags(fs) },
			run:   runDashboard,
		},
		{
			path:    "check",
			summary: "one sweep, a full report; exit 0 ok, 1 degraded, 2 down, 3 error",
			about: `Runs every check of the configuration once and prints a report per route and service
(every target's phases and failure with -v), or one JSON document with --json.`,
			flags: func(fs *flag.FlagSet) { defineCheckFlags(fs) },
			run:   runCheck,
		},
		{
			path:    "status",
			summary: "headless status line, one per sweep",
			about: `Prints one status line per sweep on stdout (diagnostics on stderr). With --once, one sweep and
one line, and the exit code says how it went: 0 ok, 1 degraded, 2 down, 3 unknown.
Formats: plain, json, tmux, waybar, i3bar, polybar, nagios (see README: Headless).`,
			flags: func(fs *flag.FlagSet) { defineStatusFlags(fs) },
			run:   runStatus,
		},
		{
			path:     "best",
			operands: "[SERVICE...]",
			summary:  "the best working route per service: name, proxy URL, latency",
			about: `Runs one sweep and prints, for each service (all, or those named: names, abbreviations or
titles), the best working route: its name, its proxy URL without credentials (or "direct",
or "interface:NAME") and its latency, then the runner-up. The fastest working route wins;
routes within 2 ms or 5 % of it are a tie, won by recent stability. Exit 0 when every service
has a working route, 1 when one has none, 3 on a config error or an interrupt.`,
			flags: func(fs *flag.FlagSet) { defineBestFlags(fs) },
			run:   runBest,
		},
		{
			path:    "history",
			summary: "what the stored results say: hourly strips, uptime, incidents",
			about: `Tells what the stored results say, for each route × service: an hour-by-hour strip, uptime,
p50/p95 latency and the incidents ("blocked 14:02–15:40, DNS tampered; 3 flaps").
Formats: text, json, csv (one row per hour), markdown (to paste into a chat or an issue).
The dashboard and status keep every result in a history store in the user state directory
(--state DIR or state: moves it, off disables it); they start where the last run left off.`,
			flags: func(fs *flag.FlagSet) { defineHistoryFlags(fs) },
			run:   runHistory,
		},
		{
			path:    "config",
			summary: "write a starter config, validate one, show where it is read from",
		},
		{
			path:    "config init",
			summary: "write a commented starter config where lifeline reads it (never overwrites)",
			flags:   func(fs *flag.FlagSet) { defineConfigFlags(fs) },
			run:     configCommand("init"),
		},
		{
			path:    "config check",
			summary: "validate a config and summarise what it checks; exit 3 on an error",
			flags:   func(fs *flag.FlagSet) { defineConfigFlags(fs) },
			run:     configCommand("check"),
		},
		{
			path:    "config path",
			summary: "show which config file is read, and why",
			flags:   func(fs *flag.FlagSet) { defineConfigFlags(fs) },
			run:     configCommand("path"),
		},
		{
			path:     "completion",
			operands: "bash|zsh|fish",
			choices:  cli.Shells,
			summary:  "print a shell completion script",
			about: `Load it in the running shell, or install it where the shell looks (the packages do that):

  bash:  source <(lifeline completion bash)
  zsh:   lifeline completion zsh > "${fpath[1]}/_lifeline"
  fish:  lifeline completion fish > ~/.config/fish/completions/lifeline.fish`,
			run: runCompletion,
		},
		{
			path:     "help",
			operands: "[COMMAND...]",
			summary:  "show the help of lifeline or of a command",
			run: func(_ context.Context, args []string, stdout, stderr io.Writer) int {
				return runHelp(args, stdout, stderr)
			},
		},
		{
			path:    "man",
			summary: "print the manual page (roff); read it with: lifeline man | man -l -",
			run:     runMan,
		},
	}
}

// lookup returns the registry entry for path.
func lookup(path string) *command {
	for i := range commands {
		if commands[i].path == path {
			return &commands[i]
		}
	}
	return nil
}

// findCommand picks the deepest command named by the leading words of args, and the
// arguments that follow it.
func findCommand(args []string) (*command, []string) {
	cmd, rest := lookup(""), args
	for i := range args {
		next := lookup(strings.TrimSpace(cmd.path + " " + args[i]))
		if next == nil {
			break
		}
		cmd, rest = next, args[i+1:]
	}
	return cmd, rest
}

// commandLine builds the described tree that help, the man page and completions render.
func commandLine() *cli.Command {
	byPath := map[string]*cli.Command{}
	var root *cli.Command
	for _, c := range commands {
		name := program
		if c.path != "" {
			name = c.path[strings.LastIndex(c.path, " ")+1:]
		}
		node := &cli.Command{Name: name, Operands: c.operands, Choices: c.choices, Summary: c.summary, About: c.about}
		if c.flags != nil {
			fs := flag.NewFlagSet(name, flag.ContinueOnError)
			c.flags(fs)
			node.Flags = cli.FlagsOf(fs, choicesFor(c.path), fileFlags)
		}
		byPath[c.path] = node
		if c.path == "" {
			root = node
			continue
		}
		parent := ""
		if i := strings.LastIndex(c.path, " "); i >= 0 {
			parent = c.path[:i]
		}
		byPath[parent].Sub = append(byPath[parent].Sub, node)
	}
	return root
}

// choicesFor is flagChoices with the command's own values where it has any.
func choicesFor(path string) map[string][]string {
	own := commandFlagChoices[path]
	if own == nil {
		return flagChoices
	}
	out := maps.Clone(flagChoices)
	maps.Copy(out, own)
	return out
}

// commandFlagChoices are the values of a flag that one command spells differently.
var commandFlagChoices = map[string]map[string][]string{
	"history": {"format": ui.HistoryFormatNames()},
}

// flagChoices are the values completion offers for a flag, by flag name.
var flagChoices = map[string][]string{
	"format": statusFormatNames(),
	"color":  {"auto", "always", "never"},
}

// fileFlags take a path.
var fileFlags = map[string]bool{"config": true, "log": true, "state": true}

func statusFormatNames() []string {
	names := make([]string, len(ui.StatusFormats))
	for i, f := range ui.StatusFormats {
		names[i] = string(f)
	}
	return names
}

// newFlags makes the flag set of the command at path. Errors go to stderr; --help is
// handled by parseFlags.
func newFlags(path string, stderr io.Writer) *flag.FlagSet {
	name := strings.TrimSpace(program + " " + path)
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // parseFlags prints help or a hint
	return fs
}

// parseFlags parses args for the command at path; it returns a non-negative exit code when
// the command should stop: 0 after printing --help on stdout, 3 after a usage error.
func parseFlags(fs *flag.FlagSet, path string, args []string, stdout io.Writer) int {
	if code := parseOptions(fs, path, args, stdout); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), checks.Sanitize(fs.Arg(0)))
		usageHint(fs.Output(), path)
		return checks.ExitUnknown
	}
	return -1
}

// parseOptions is parseFlags for a command that takes operands (fs.Args) after its flags.
func parseOptions(fs *flag.FlagSet, path string, args []string, stdout io.Writer) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			if err := writeHelp(stdout, path); err != nil {
				return checks.ExitUnknown
			}
			return 0
		}
		usageHint(fs.Output(), path)
		return checks.ExitUnknown
	}
	return -1
}

func usageHint(w io.Writer, path string) {
	fmt.Fprintf(w, "Run '%s --help' for usage.\n", strings.TrimSpace(program+" "+path+" "))
}

// writeHelp writes the help of the command at path.
func writeHelp(w io.Writer, path string) error {
	words := []string{program}
	if path != "" {
		words = append(words, strings.Fields(path)...)
	}
	cmd := commandLine().Find(words[1:]...)
	if cmd == nil {
		return fmt.Errorf("no command %q", path)
	}
	return cmd.WriteHelp(w, words)
}

// runGroup serves a command that only groups subcommands (`lifeline config`): --help prints
// its help; anything else is a usage error.
func runGroup(path string, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && isHelpArg(args[0]) {
		if writeHelp(stdout, path) != nil {
			return checks.ExitUnknown
		}
		return 0
	}
	if len(args) == 0 {
		fmt.Fprintf(stderr, "%s %s: a command is needed\n", program, path)
	} else {
		fmt.Fprintf(stderr, "%s %s: unknown command %q\n", program, path, checks.Sanitize(args[0]))
	}
	writeHelp(stderr, path)
	return checks.ExitUnknown
}

func isHelpArg(s string) bool {
	switch s {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// runHelp serves `lifeline help [COMMAND...]`.
func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && isHelpArg(args[0]) {
		args = []string{"help"}
	}
	cmd, rest := findCommand(args)
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "%s help: no command %q\n", program, checks.Sanitize(strings.Join(args, " ")))
		usageHint(stderr, "")
		return checks.ExitUnknown
	}
	if writeHelp(stdout, cmd.path) != nil {
		return checks.ExitUnknown
	}
	return 0
}

// Flag sets, one function per command. Each returns the values the command reads.

type dashboardFlags struct {
	config  *string
	ascii   *bool
	noAlt   *bool
	version *bool
	outputs *outputFlags
}

func defineDashboardFlags(fs *flag.FlagSet) dashboardFlags {
	return dashboardFlags{
		config:  defineConfigFlags(fs),
		ascii:   fs.Bool("ascii", false, "ASCII glyphs instead of Unicode (automatic when the locale is not UTF-8)"),
		noAlt:   fs.Bool("no-alt-screen", false, "draw in the normal screen, keeping scrollback (useful over SSH)"),
		version: fs.Bool("version", false, "print the version and commit, then exit"),
		outputs: addOutputFlags(fs),
	}
}

type checkFlags struct {
	config               *string
	verbose, json, ascii *bool
}

func defineCheckFlags(fs *flag.FlagSet) checkFlags {
	return checkFlags{
		config:  defineConfigFlags(fs),
		verbose: fs.Bool("v", false, "show every target's phases and failure"),
		json:    fs.Bool("json", false, "print one JSON document"),
		ascii:   defineASCIIFlag(fs),
	}
}

type statusFlags struct {
	config, format, route, service, color *string
	once, short, ascii                    *bool
	warn, crit, timeout                   *int
	outputs                               *outputFlags
}

func defineStatusFlags(fs *flag.FlagSet) statusFlags {
	o := statusFlags{
		config:  defineConfigFlags(fs),
		once:    fs.Bool("once", false, "one sweep, one line, then exit with 0 ok, 1 degraded, 2 down, 3 unknown"),
		format:  fs.String("format", "plain", "output `FORMAT`: "+strings.Join(statusFormatNames(), ", ")),
		route:   fs.String("route", "", "show only the route `NAME`"),
		service: fs.String("service", "", "show only these services (`LIST`, comma-separated names or abbreviations)"),
		short:   fs.Bool("short", false, "glyphs only: no latencies, no route names"),
		color:   fs.String("color", "auto", "ANSI colour for plain output: `WHEN` is auto, always or never (auto honours NO_COLOR)"),
		ascii:   defineASCIIFlag(fs),
		warn:    fs.Int("w", 0, "warning when a working service's latency passes `MS` milliseconds (0: none)"),
		crit:    fs.Int("c", 0, "critical when a working service's latency passes `MS` milliseconds (0: none)"),
		timeout: fs.Int("t", 0, "with --once, give up after `SECONDS` and report unknown (0: none)"),
	}
	fs.Bool("no-alt-screen", false, "accepted for the dashboard's sake; status lines never use the screen")
	o.outputs = addOutputFlags(fs)
	return o
}

type bestFlags struct {
	config *string
	ascii  *bool
}

func defineBestFlags(fs *flag.FlagSet) bestFlags {
	return bestFlags{
		config: defineConfigFlags(fs),
		ascii:  defineASCIIFlag(fs),
	}
}

type historyFlags struct {
	config, since, route, service, format, state *string
	ascii                                        *bool
}

func defineHistoryFlags(fs *flag.FlagSet) historyFlags {
	return historyFlags{
		config:  defineConfigFlags(fs),
		since:   fs.String("since", "24h", "how far back: `SPAN` such as 24h, 7d or 90m"),
		route:   fs.String("route", "", "only the route `NAME`"),
		service: fs.String("service", "", "only these services (`LIST`, comma-separated names or titles)"),
		format:  fs.String("format", "text", "output `FORMAT`: "+strings.Join(ui.HistoryFormatNames(), ", ")),
		state:   fs.String("state", "", "read history from `DIR` (default: state: in the config, else the user state directory)"),
		ascii:   fs.Bool("ascii", false, "ASCII strips instead of Unicode blocks"),
	}
}

// defineConfigFlags defines --config, which every command that reads a config takes.
func defineConfigFlags(fs *flag.FlagSet) *string {
	return fs.String("config", "", "read the config from `FILE` (default: $"+config.EnvConfig+", then the user config directory)")
}

// defineASCIIFlag registers --ascii, for commands that print glyphs.
func defineASCIIFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("ascii", false, "ASCII glyphs instead of Unicode")
}

// addOutputFlags registers --metrics, --metrics-public, --log, --log-max-bytes and --state on fs.
func addOutputFlags(fs *flag.FlagSet) *outputFlags {
	o := &outputFlags{}
	fs.StringVar(&o.metrics, "metrics", "", "serve Prometheus metrics on `ADDR`, e.g. 127.0.0.1:9464 (default off)")
	fs.BoolVar(&o.metricsPublic, "metrics-public", false, "allow --metrics to listen on a non-loopback address")
	fs.StringVar(&o.log, "log", "", "append one JSON line per check result to `FILE`")
	fs.Int64Var(&o.logMaxBytes, "log-max-bytes", export.DefaultLogMaxBytes, "rotate the --log file when it would pass `BYTES`")
	fs.StringVar(&o.state, "state", "", "keep history in `DIR` (default: state: in the config, else the user state directory; off: none)")
	return o
}
