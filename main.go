// Command lifeline shows, for each way out (direct, VPN interfaces, SOCKS5 and HTTP proxies),
// whether each messenger is reachable through it and how fast.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/config"
	"github.com/lifeline-app/lifeline/engine"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// SIGHUP reloads the config in the modes that keep running and stops the one-shot ones
	// (signals.go); caught here so that it never kills the process outright.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	ctx = withHangups(ctx, hup)
	cmd, rest := findCommand(args)
	if cmd.run == nil {
		return runGroup(cmd.path, rest, stdout, stderr)
	}
	return cmd.run(ctx, rest, stdout, stderr)
}

// loadConfig reads the configuration (or the embedded default) and prints its notes on stderr.
func loadConfig(ctx context.Context, path string, stderr io.Writer) (*config.Config, error) {
	cfg, err := config.LoadOrDefault(ctx, path)
	if err != nil {
		return nil, err
	}
	for _, note := range cfg.Notes {
		fmt.Fprintln(stderr, "lifeline:", checks.Sanitize(note))
	}
	return cfg, nil
}

// loadScheduler loads the configuration (loadConfig) and makes the scheduler of its plan.
// Either failing is a configuration problem (configError).
func loadScheduler(ctx context.Context, path string, stderr io.Writer) (*config.Config, *engine.Scheduler, error) {
	cfg, err := loadConfig(ctx, path, stderr)
	if err != nil {
		return nil, nil, err
	}
	sched, err := engine.NewScheduler(cfg.Plan)
	if err != nil {
		return nil, nil, err
	}
	return cfg, sched, nil
}

// configError prints a configuration problem and returns the exit code for it.
func configError(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "lifeline:", err)
	return checks.ExitUnknown
}
