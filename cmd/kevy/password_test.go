package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServePassword(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), mode))
		require.NoError(t, os.Chmod(p, mode))
		return p
	}
	private := write("pass", "s3cret\n", 0o600)
	crlf := write("crlf", "s3cret\r\nsecond line\n", 0o600)
	shared := write("shared", "s3cret", 0o644)
	empty := write("empty", "\n", 0o600)
	tests := []struct {
		name        string
		flags       []string
		env         string
		want, err   string
		warnContain string
	}{
		{name: "none"},
		{name: "file", flags: []string{"--requirepass-file", private}, want: "s3cret"},
		{name: "file, first line", flags: []string{"--requirepass-file", crlf}, want: "s3cret"},
		{name: "file readable by others", flags: []string{"--requirepass-file", shared}, want: "s3cret",
			warnContain: "chmod 600"},
		{name: "empty file", flags: []string{"--requirepass-file", empty}, err: "the first line is empty"},
		{name: "missing file", flags: []string{"--requirepass-file", filepath.Join(dir, "nope")}, err: "no such file"},
		{name: "environment", env: "from-env", want: "from-env"},
		{name: "flag", flags: []string{"--requirepass", "visible"}, want: "visible", warnContain: "list processes"},
		{name: "twice", flags: []string{"--requirepass", "a"}, env: "b", err: "more than once"},
		{name: "file and flag", flags: []string{"--requirepass", "a", "--requirepass-file", private}, err: "more than once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newServeFlagSet()
			o := serveFlags(fs)
			require.NoError(t, fs.Parse(tt.flags))
			o.getenv = func(k string) string {
				if k == envRequirePass {
					return tt.env
				}
				return ""
			}
			var logs bytes.Buffer
			got, err := o.password(slog.New(slog.NewTextHandler(&logs, nil)))
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			if tt.warnContain != "" {
				assert.Contains(t, logs.String(), tt.warnContain)
			} else {
				assert.Empty(t, logs.String())
			}
		})
	}
}
