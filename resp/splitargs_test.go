package resp

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		line string
		want []string // nil with ok false: unbalanced
		ok   bool
	}{
		{"", []string{}, true},
		{"   \t ", []string{}, true},
		{"PING", []string{"PING"}, true},
		{"  set  a   b  ", []string{"set", "a", "b"}, true},
		{"a\tb\rc\nd", []string{"a", "b", "c", "d"}, true},
		{"a\vb", []string{"a\vb"}, true}, // VT separates only between tokens
		{"\va", []string{"a"}, true},
		{`"hello world"`, []string{"hello world"}, true},
		{`""`, []string{""}, true},
		{`''`, []string{""}, true},
		{`"a\nb\rc\td\be\af\"g\\h\qi"`, []string{"a\nb\rc\td\be\af\"g\\hqi"}, true},
		{`"\x41\x4a\x4A\xzz\x4"`, []string{"AJJxzzx4"}, true},
		{`'it\'s \n'`, []string{"it's \\n"}, true},
		{`ab"cd"`, []string{"abcd"}, true},
		{`ab"cd"ef`, nil, false},
		{`"unterminated`, nil, false},
		{`'unterminated`, nil, false},
		{`"ends with backslash\`, nil, false},
		{`"a"b`, nil, false},
		{`'a'b`, nil, false},
		{`"a" b`, []string{"a", "b"}, true},
		{"set a b\x00c d", []string{"set", "a", "b"}, true},
		{"\"a\x00\"", nil, false},
		{"\xff\xfe x", []string{"\xff\xfe", "x"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got, ok := SplitArgs(tt.line)
			assert.Equal(t, tt.ok, ok)
			if tt.ok {
				assert.Equal(t, tt.want, got)
			} else {
				assert.Nil(t, got)
			}
		})
	}
}
