package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// PathReport answers `lifeline config path`: which file is read, why, and whether it exists.
func PathReport(flagPath string) (string, error) {
	path, source, err := Locate(flagPath)
	if err != nil {
		return "", err
	}
	_, statErr := os.Stat(path)
	switch {
	case statErr == nil:
		return fmt.Sprintf("%s (from %s)", path, source), nil
	case errors.Is(statErr, fs.ErrNotExist) && source == SourceDefault:
		return fmt.Sprintf("%s (from %s; not there, so the embedded default is used: "+
			"`lifeline config init` writes a starter)", path, source), nil
	case errors.Is(statErr, fs.ErrNotExist):
		return fmt.Sprintf("%s (from %s; missing)", path, source), nil
	}
	return fmt.Sprintf("%s (from %s; %v)", path, source, pathErr(statErr)), nil
}

// Check answers `lifeline config check`: it loads the located file (which must exist) and
// returns it with a summary for a person. Errors are *Error with the problem's place.
func Check(flagPath string) (*Config, []string, error) {
	path, _, err := Locate(flagPath)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := Load(path)
	if err != nil {
		return nil, nil, err
	}
	return cfg, cfg.Summary(), nil
}

// Summary describes the config in a few lines, without secrets: routes by endpoint (never a
// password or URL userinfo), services by title, the alert hooks by presence only.
func (c *Config) Summary() []string {
	var lines []string
	if c.Path != "" {
		lines = append(lines, c.Path+": ok")
	} else {
		lines = append(lines, "embedded default")
	}
	s := c.Plan.Settings
	lines = append(lines, fmt.Sprintf("every %v, timeout %v (step %v), slow above %v, %d probes at once (%d per route)",
		s.Interval, s.Timeout, s.StepTimeout, s.Slow, s.Concurrency, s.PerRoute))
	for _, r := range c.Plan.Routes {
		control := "no control"
		if r.Control != nil {
			control = "control " + r.Control.String()
		}
		lines = append(lines, fmt.Sprintf("route %s: %s, %s", r.Name, r.Endpoint(), control))
	}
	titles := make([]string, 0, len(c.Plan.Services))
	targets := 0
	for _, sv := range c.Plan.Services {
		titles = append(titles, sv.Title)
		targets += len(sv.Targets)
	}
	lines = append(lines, fmt.Sprintf("services: %s (%d targets)", strings.Join(titles, ", "), targets))
	var hooks []string
	if c.Alerts.OnChange != "" {
		hooks = append(hooks, "on_change command")
	}
	for _, n := range c.Alerts.Notifiers {
		// The URL and token are secrets: the kind and the way out only.
		hooks = append(hooks, n.Kind+" via "+n.Via)
	}
	if len(hooks) > 0 {
		lines = append(lines, fmt.Sprintf("alerts after %d bad / %d good results: %s",
			c.Alerts.FailureThreshold, c.Alerts.SuccessThreshold, strings.Join(hooks, ", ")))
	}
	for _, n := range c.Notes {
		lines = append(lines, "note: "+n)
	}
	return lines
}
