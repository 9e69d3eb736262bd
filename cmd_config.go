package main

import (
	"context"
	"fmt"
	"io"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/config"
)

// configCommand makes the run function of `lifeline config init|check|path`.
func configCommand(sub string) func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		return runConfig(ctx, sub, args, stdout, stderr)
	}
}

// runConfig handles `lifeline config SUB` with the arguments after SUB.
func runConfig(ctx context.Context, sub string, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("config "+sub, stderr)
	path := defineConfigFlags(fs)
	if code := parseFlags(fs, "config "+sub, args, stdout); code >= 0 {
		return code
	}
	file, _, err := config.Locate(*path)
	if err != nil {
		return configError(stderr, err)
	}
	switch sub {
	case "path":
		report, err := config.PathReport(*path)
		if err != nil {
			return configError(stderr, err)
		}
		fmt.Fprintln(stdout, report)
		return 0
	case "init":
		// What the embedded default would check here goes into the file, not only direct.
		found, notes := config.Discover(ctx, config.SystemDiscovery())
		if err := config.InitWith(file, config.StarterWith(found, notes)); err != nil {
			return configError(stderr, err)
		}
		fmt.Fprintf(stdout, "wrote a starter config to %s\n", file)
		for _, note := range notes {
			fmt.Fprintln(stdout, "  with", checks.Sanitize(note))
		}
		return 0
	case "check":
		cfg, summary, err := config.Check(*path)
		if err != nil {
			return configError(stderr, err)
		}
		for _, note := range cfg.Notes {
			fmt.Fprintln(stderr, "lifeline:", checks.Sanitize(note))
		}
		for _, line := range summary {
			fmt.Fprintln(stdout, checks.Sanitize(line))
		}
		return 0
	}
	fmt.Fprintf(stderr, "lifeline config: unknown command %q (want init, check or path)\n", sub)
	return checks.ExitUnknown
}
