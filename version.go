package main

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// The version comes from the build info the Go toolchain stamps into the binary: the module
// version (the release tag for `go install …@v1.2.3` and for a build of a tagged checkout, a
// pseudo-version otherwise) and the commit it was built from.

// readBuildInfo returns this binary's build info, or nil when it carries none.
func readBuildInfo() *debug.BuildInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	return bi
}

// buildVersion is what a build says about itself.
type buildVersion struct {
	version  string // "v1.2.3", a pseudo-version, or "(devel)"
	commit   string // full revision, "" when unknown
	date     string // commit time, YYYY-MM-DD, "" when unknown
	modified bool   // built from a tree with uncommitted changes
	goVer    string
}

func versionOf(bi *debug.BuildInfo) buildVersion {
	v := buildVersion{version: "(devel)"}
	if bi == nil {
		return v
	}
	if bi.Main.Version != "" {
		v.version = bi.Main.Version
	}
	v.goVer = bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.commit = s.Value
		case "vcs.time":
			v.date, _, _ = strings.Cut(s.Value, "T")
		case "vcs.modified":
			v.modified = s.Value == "true"
		}
	}
	return v
}

// versionLine is what --version prints, e.g.
// "lifeline v1.2.0 (commit 2817c5e9a1b0, 2026-11-30) go1.26.8 linux/amd64".
func versionLine(bi *debug.BuildInfo) string {
	v := versionOf(bi)
	var details []string
	if v.commit != "" {
		c := v.commit
		if len(c) > 12 {
			c = c[:12]
		}
		details = append(details, "commit "+c)
	} else {
		details = append(details, "commit unknown")
	}
	if v.date != "" {
		details = append(details, v.date)
	}
	if v.modified {
		details = append(details, "modified")
	}
	line := program + " " + v.version + " (" + strings.Join(details, ", ") + ")"
	if v.goVer != "" {
		line += " " + v.goVer
	}
	return line + " " + runtime.GOOS + "/" + runtime.GOARCH
}
