package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/internal/cli"
)

// eachCommand calls fn with the words after "lifeline" and the described command, for every
// command of the registry.
func eachCommand(t *testing.T, fn func(t *testing.T, words []string, c *cli.Command)) {
	commandLine().Walk(func(path []string, c *cli.Command) {
		words := path[1:]
		t.Run(strings.Join(append([]string{"lifeline"}, words...), "_"), func(t *testing.T) { fn(t, words, c) })
	})
}

func flagSpellings(c *cli.Command) []string {
	out := []string{"--help"}
	for _, f := range c.Flags {
		out = append(out, f.Spelling())
	}
	sort.Strings(out)
	return out
}

func subNames(c *cli.Command) []string {
	var out []string
	for _, s := range c.Sub {
		out = append(out, s.Name)
	}
	sort.Strings(out)
	return out
}

func TestEveryCommandHasHelpListingEveryFlagWithDoubleDashes(t *testing.T) {
	eachCommand(t, func(t *testing.T, words []string, c *cli.Command) {
		code, out, errOut := runCLI(append(append([]string(nil), words...), "--help")...)
		if code != 0 || errOut != "" {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		if !strings.Contains(out, "Usage:") {
			t.Errorf("no usage line:\n%s", out)
		}
		for _, f := range c.Flags {
			want := f.Spelling()
			if f.Arg != "" {
				want += " " + f.Arg
			}
			if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(want) + `( |$)`).MatchString(out) {
				t.Errorf("help lacks %q:\n%s", want, out)
			}
		}
		for _, s := range c.Sub {
			if !strings.Contains(out, s.Name) {
				t.Errorf("help lacks the command %q", s.Name)
			}
		}
		// Words of two letters or more are spelled with two dashes everywhere in help.
		if m := regexp.MustCompile(`(^|[\s(\[,])-[a-z][a-z-]+`).FindString(out); m != "" {
			t.Errorf("help spells a flag with one dash: %q\n%s", m, out)
		}
		// The help command says the same.
		code, again, _ := runCLI(append([]string{"help"}, words...)...)
		if code != 0 || again != out {
			t.Errorf("lifeline help %s differs from --help (exit %d)", strings.Join(words, " "), code)
		}
	})
}

func TestEveryFlagInHelpIsAccepted(t *testing.T) {
	// A flag the help lists but the command does not define is a usage error (exit 3); with
	// every listed flag given, --help still wins and exits 0.
	eachCommand(t, func(t *testing.T, words []string, c *cli.Command) {
		if c.Operands != "" && len(c.Flags) == 0 {
			return // completion and help take operands, not flags
		}
		args := append([]string(nil), words...)
		for _, f := range c.Flags {
			if f.Arg == "" {
				args = append(args, f.Spelling())
			} else {
				args = append(args, f.Spelling()+"=1")
			}
		}
		code, _, errOut := runCLI(append(args, "--help")...)
		if code != 0 {
			t.Errorf("exit %d with every listed flag: %s", code, errOut)
		}
	})
	code, _, errOut := runCLI("check", "--no-such-flag")
	if code != 3 || !strings.Contains(errOut, "lifeline check --help") {
		t.Errorf("unknown flag: exit %d, stderr %q", code, errOut)
	}
}

func TestTopLevelHelpListsEveryCommandAndTheOutputFlags(t *testing.T) {
	code, out, _ := runCLI("--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"--metrics ADDR", "--log FILE", "--version", "--config FILE",
		"lifeline check", "lifeline status", "lifeline config init|check|path", "lifeline completion bash|zsh|fish", "lifeline man"} {
		if !strings.Contains(out, want) {
			t.Errorf("top-level help lacks %q:\n%s", want, out)
		}
	}
}

func TestGroupsSayWhatIsMissing(t *testing.T) {
	code, out, errOut := runCLI("config")
	if code != 3 || out != "" || !strings.Contains(errOut, "a command is needed") || !strings.Contains(errOut, "init") {
		t.Errorf("lifeline config: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = runCLI("config", "frobnicate")
	if code != 3 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("lifeline config frobnicate: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI("completion", "powershell")
	if code != 3 || !strings.Contains(errOut, "powershell") {
		t.Errorf("lifeline completion powershell: exit %d, stderr %q", code, errOut)
	}
}

func TestVersionComesFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/lifeline-app/lifeline", Version: "v1.4.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "2817c5e9a1b0c3d4e5f60718293a4b5c6d7e8f90"},
			{Key: "vcs.time", Value: "2026-11-30T18:49:00Z"},
			{Key: "vcs.modified", Value: "false"},
		},
	}
	line := versionLine(bi)
	for _, want := range []string{"lifeline v1.4.0", "commit 2817c5e9a1b0", "2026-11-30", "go1.26.8"} {
		if !strings.Contains(line, want) {
			t.Errorf("version line %q lacks %q", line, want)
		}
	}
	if strings.Contains(line, "modified") {
		t.Errorf("a clean build says modified: %q", line)
	}
	bi.Settings[2].Value = "true"
	if line := versionLine(bi); !strings.Contains(line, "modified") {
		t.Errorf("a build with local changes does not say so: %q", line)
	}
	if line := versionLine(nil); !strings.Contains(line, "(devel)") || !strings.Contains(line, "commit unknown") {
		t.Errorf("no build info: %q", line)
	}
	code, out, _ := runCLI("--version")
	if code != 0 || !strings.HasPrefix(out, "lifeline ") || strings.Count(out, "\n") != 1 {
		t.Errorf("--version: exit %d, %q", code, out)
	}
}

// manSection returns the roff of one command's subsection (or the OPTIONS section for the
// root), up to the next heading.
func manSection(page string, words []string) string {
	head := ".SH OPTIONS\n"
	if len(words) > 0 {
		head = `.SS "` + strings.Join(words, " ") + `"` + "\n"
	}
	i := strings.Index(page, head)
	if i < 0 {
		return ""
	}
	rest := page[i+len(head):]
	if j := regexp.MustCompile(`(?m)^\.S[SH] `).FindStringIndex(rest); j != nil {
		rest = rest[:j[0]]
	}
	return rest
}

func TestManPageDocumentsEveryCommandAndFlag(t *testing.T) {
	code, page, errOut := runCLI("man")
	if code != 0 {
		t.Fatalf("lifeline man: exit %d: %s", code, errOut)
	}
	eachCommand(t, func(t *testing.T, words []string, c *cli.Command) {
		sec := manSection(page, words)
		if sec == "" {
			t.Fatalf("the man page has no section for %q", strings.Join(words, " "))
		}
		if len(c.Sub) > 0 && len(words) > 0 {
			return // a group: its commands have their sections
		}
		for _, spelling := range flagSpellings(c) {
			roff := `\fB` + strings.ReplaceAll(spelling, "-", `\-`) + `\fR`
			if !strings.Contains(sec, roff) {
				t.Errorf("the man page section of %q lacks %s", strings.Join(words, " "), spelling)
			}
		}
	})
}

func TestManPageRendersWithoutWarnings(t *testing.T) {
	if _, err := exec.LookPath("man"); err != nil {
		t.Skip("man is not installed (CI installs man-db)")
	}
	code, page, _ := runCLI("man")
	if code != 0 {
		t.Fatal("lifeline man failed")
	}
	path := filepath.Join(t.TempDir(), "lifeline.1")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("man", "--warnings=all", "-E", "UTF-8", "-l", path)
	cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat", "LC_ALL=C.UTF-8")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("man -l: %v\n%s", err, stderr.String())
	}
	text := stdout.String()
	for _, want := range []string{"NAME", "SYNOPSIS", "lifeline config check", "--metrics ADDR", "EXIT STATUS", "FILES"} {
		if !strings.Contains(text, want) {
			t.Errorf("rendered page lacks %q", want)
		}
	}
}

// bashComplete runs the bash completion of lifeline for the words typed so far (the last
// one being completed) and returns the candidates, sorted.
func bashComplete(t *testing.T, script string, words ...string) []string {
	t.Helper()
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = "'" + w + "'"
	}
	prog := script + "\nCOMP_WORDS=(lifeline " + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" +
		strconv.Itoa(len(words)) + "\n_lifeline\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
	out, err := exec.Command("bash", "--norc", "--noprofile", "-c", prog).CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	got := strings.Fields(string(out))
	sort.Strings(got)
	return got
}

// completionScript is `lifeline completion shell`; the test fails when the command does.
func completionScript(t *testing.T, shell string) string {
	t.Helper()
	code, script, _ := runCLI("completion", shell)
	if code != 0 {
		t.Fatalf("lifeline completion %s failed", shell)
	}
	return script
}

// shellCompletionScript is completionScript for a shell the test then runs: it skips the test
// when the shell is not installed (CI installs bash and fish).
func shellCompletionScript(t *testing.T, shell string) string {
	t.Helper()
	if _, err := exec.LookPath(shell); err != nil {
		t.Skipf("%s is not installed (CI installs it)", shell)
	}
	return completionScript(t, shell)
}

func TestBashCompletionOffersEveryCommandAndFlag(t *testing.T) {
	script := shellCompletionScript(t, "bash")
	eachCommand(t, func(t *testing.T, words []string, c *cli.Command) {
		typed := append(append([]string(nil), words...), "-")
		if got, want := bashComplete(t, script, typed...), flagSpellings(c); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("flags offered after %q: %v, want %v", strings.Join(words, " "), got, want)
		}
		if len(c.Sub) > 0 {
			typed[len(typed)-1] = ""
			if got, want := bashComplete(t, script, typed...), subNames(c); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("commands offered after %q: %v, want %v", strings.Join(words, " "), got, want)
			}
		}
	})
	if got := bashComplete(t, script, "status", "--format", ""); strings.Join(got, " ") != strings.Join(sortedCopy(statusFormatNames()), " ") {
		t.Errorf("--format values: %v", got)
	}
	// A flag's value is not taken for a command: `--config check` is a file named check.
	if got := bashComplete(t, script, "--config", "check", "-"); !slices.Contains(got, "--no-alt-screen") {
		t.Errorf("after --config check: %v", got)
	}
}

func TestFishAndZshCompletionsNameEveryCommandAndFlag(t *testing.T) {
	for _, shell := range []string{"zsh", "fish"} {
		script := completionScript(t, shell)
		eachCommand(t, func(t *testing.T, words []string, c *cli.Command) {
			for _, s := range c.Sub {
				if !strings.Contains(script, "'"+s.Name) {
					t.Errorf("%s: no command %q", shell, s.Name)
				}
			}
			for _, f := range c.Flags {
				want := "'" + f.Spelling() + "["
				if f.Arg != "" {
					want = "'" + f.Spelling() + "=["
				}
				if shell == "fish" {
					want = " -l " + f.Name + " "
					if len(f.Name) == 1 {
						want = " -s " + f.Name + " "
					}
				}
				if !strings.Contains(script, want) {
					t.Errorf("%s: %q lacks %s", shell, strings.Join(words, " "), f.Spelling())
				}
			}
		})
		if _, err := exec.LookPath(shell); err != nil {
			continue
		}
		if out, err := exec.Command(shell, "-n", "-c", script).CombinedOutput(); err != nil && shell == "zsh" {
			t.Errorf("zsh -n: %v\n%s", err, out)
		}
	}
}

func TestFishCompletionOffersEveryCommandAndFlag(t *testing.T) {
	script := shellCompletionScript(t, "fish")
	path := filepath.Join(t.TempDir(), "lifeline.fish")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	complete := func(line string) []string {
		out, err := exec.Command("fish", "--no-config", "-c", "source "+path+"; complete -C'"+line+"'").CombinedOutput()
		if err != nil {
			t.Fatalf("fish: %v\n%s", err, out)
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if l != "" {
				got = append(got, strings.SplitN(l, "\t", 2)[0])
			}
		}
		sort.Strings(got)
		return got
	}
	eachCommand(t, func(t *testing.T, words []string, c *cli.Command) {
		line := strings.Join(append([]string{"lifeline"}, words...), " ") + " "
		var want []string
		for _, f := range c.Flags {
			if len(f.Name) > 1 {
				want = append(want, "--"+f.Name)
			}
		}
		want = append(want, "--help")
		sort.Strings(want)
		if got := complete(line + "--"); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("flags after %q: %v, want %v", line, got, want)
		}
		if len(c.Sub) > 0 {
			if got := complete(line); strings.Join(got, " ") != strings.Join(subNames(c), " ") {
				t.Errorf("commands after %q: %v, want %v", line, got, subNames(c))
			}
		}
	})
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}
