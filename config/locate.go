package config

import (
	"context"
	_ "embed"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// EnvConfig names the environment variable that points at a config file.
const EnvConfig = "LIFELINE_CONFIG"

// Where a config path came from, as Locate reports it.
const (
	SourceFlag    = "--config"
	SourceEnv     = EnvConfig
	SourceDefault = "default location"
)

//go:embed starter.yaml
var starter []byte

// Starter returns a commented starter config; Parse accepts it as it is.
func Starter() []byte { return append([]byte(nil), starter...) }

// Locate says which file to read: the --config flag, else $LIFELINE_CONFIG, else
// os.UserConfigDir()/lifeline/config.yaml. It does not check that the file exists.
func Locate(flagPath string) (path, source string, err error) {
	if flagPath != "" {
		return flagPath, SourceFlag, nil
	}
	if env := os.Getenv(EnvConfig); env != "" {
		return env, SourceEnv, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", SourceDefault, &Error{Msg: "no config directory (" + err.Error() + "); use --config or " + EnvConfig, Err: err}
	}
	return filepath.Join(dir, "lifeline", "config.yaml"), SourceDefault, nil
}

// LoadOrDefault loads the located config. A path given by flag or environment must exist;
// when only the default location applies and nothing is there, the embedded default (with
// discovery) is used.
func LoadOrDefault(ctx context.Context, flagPath string) (*Config, error) {
	path, source, err := Locate(flagPath)
	if err != nil {
		if source == SourceDefault {
			return Default(ctx)
		}
		return nil, err
	}
	if source == SourceDefault {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return Default(ctx)
		}
	}
	return Load(path)
}

// Init writes the starter config to path with mode 0600, creating its directory (0700). It
// never overwrites: an existing file is an error wrapping fs.ErrExist.
func Init(path string) error { return InitWith(path, starter) }

// InitWith is Init writing data, e.g. StarterWith's.
func InitWith(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return &Error{File: path, Msg: "cannot create its directory: " + pathErr(err).Error(), Err: err}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return &Error{File: path, Msg: "already exists; not overwriting it", Err: err}
		}
		return &Error{File: path, Msg: "cannot create: " + pathErr(err).Error(), Err: err}
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return &Error{File: path, Msg: "cannot write: " + pathErr(err).Error(), Err: err}
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return &Error{File: path, Msg: "cannot write: " + pathErr(err).Error(), Err: err}
	}
	return nil
}
