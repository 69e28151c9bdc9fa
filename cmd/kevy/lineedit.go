package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// A small line editor for kevy cli: left/right, home/end, backspace and
// delete, Ctrl-A/E/K/U/W/L, up/down through the history, Ctrl-C to drop the
// line, Ctrl-D on an empty line to leave. The history is kept in a file, one
// line per entry, like redis-cli's ~/.rediscli_history. Where the terminal
// cannot be put in raw mode (see term_*.go) it reads plain lines.

const maxHistory = 1000

type lineEditor struct {
	in       *os.File
	out      io.Writer
	br       *bufio.Reader
	hist     []string
	histFile string
	restore  func()
}

func newLineEditor(in *os.File, out io.Writer, histFile string) *lineEditor {
	e := &lineEditor{in: in, out: out, br: bufio.NewReader(in), histFile: histFile}
	if histFile != "" {
		if b, err := os.ReadFile(histFile); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				if l != "" {
					e.hist = append(e.hist, l)
				}
			}
			if len(e.hist) > maxHistory {
				e.hist = e.hist[len(e.hist)-maxHistory:]
			}
		}
	}
	return e
}

func (e *lineEditor) addHistory(line string) {
	if n := len(e.hist); n > 0 && e.hist[n-1] == line {
		return
	}
	e.hist = append(e.hist, line)
	if len(e.hist) > maxHistory {
		e.hist = e.hist[1:]
	}
}

// close saves the history.
func (e *lineEditor) close() {
	if e.histFile == "" {
		return
	}
	data := strings.Join(e.hist, "\n") + "\n"
	if err := os.WriteFile(e.histFile, []byte(data), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "kevy cli: saving history:", err)
	}
}

// readLine shows prompt and returns the line typed, io.EOF on Ctrl-D at an
// empty line or the end of input.
func (e *lineEditor) readLine(prompt string) (string, error) {
	restore, err := makeRaw(e.in)
	if err != nil {
		fmt.Fprint(e.out, prompt)
		line, err := e.br.ReadString('\n')
		if err != nil && line == "" {
			return "", err
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	defer restore()
	var buf []rune
	pos := 0
	hi := len(e.hist) // history index; len = the line being edited
	saved := ""
	redraw := func() {
		fmt.Fprintf(e.out, "\r\033[K%s%s", prompt, string(buf))
		if back := len(buf) - pos; back > 0 {
			fmt.Fprintf(e.out, "\033[%dD", back)
		}
	}
	setLine := func(s string) {
		buf = []rune(s)
		pos = len(buf)
		redraw()
	}
	redraw()
	for {
		r, _, err := e.br.ReadRune()
		if err != nil {
			return "", err
		}
		switch r {
		case '\r', '\n':
			fmt.Fprint(e.out, "\r\n")
			return string(buf), nil
		case 3: // Ctrl-C
			fmt.Fprint(e.out, "^C\r\n")
			buf, pos = buf[:0], 0
			redraw()
		case 4: // Ctrl-D
			if len(buf) == 0 {
				fmt.Fprint(e.out, "\r\n")
				return "", io.EOF
			}
			if pos < len(buf) {
				buf = append(buf[:pos], buf[pos+1:]...)
				redraw()
			}
		case 127, 8: // backspace
			if pos > 0 {
				buf = append(buf[:pos-1], buf[pos:]...)
				pos--
				redraw()
			}
		case 1: // Ctrl-A
			pos = 0
			redraw()
		case 5: // Ctrl-E
			pos = len(buf)
			redraw()
		case 11: // Ctrl-K
			buf = buf[:pos]
			redraw()
		case 21: // Ctrl-U
			buf, pos = buf[pos:], 0
			redraw()
		case 23: // Ctrl-W
			i := pos
			for i > 0 && buf[i-1] == ' ' {
				i--
			}
			for i > 0 && buf[i-1] != ' ' {
				i--
			}
			buf = append(buf[:i], buf[pos:]...)
			pos = i
			redraw()
		case 12: // Ctrl-L
			fmt.Fprint(e.out, "\033[H\033[2J")
			redraw()
		case 27: // escape sequence
			seq := e.escape()
			switch seq {
			case "[A": // up
				if hi > 0 {
					if hi == len(e.hist) {
						saved = string(buf)
					}
					hi--
					setLine(e.hist[hi])
				}
			case "[B": // down
				if hi < len(e.hist) {
					hi++
					if hi == len(e.hist) {
						setLine(saved)
					} else {
						setLine(e.hist[hi])
					}
				}
			case "[C":
				if pos < len(buf) {
					pos++
					redraw()
				}
			case "[D":
				if pos > 0 {
					pos--
					redraw()
				}
			case "[H", "[1~", "OH":
				pos = 0
				redraw()
			case "[F", "[4~", "OF":
				pos = len(buf)
				redraw()
			case "[3~":
				if pos < len(buf) {
					buf = append(buf[:pos], buf[pos+1:]...)
					redraw()
				}
			}
		default:
			if r < 32 || r == utf8.RuneError {
				continue
			}
			buf = append(buf[:pos], append([]rune{r}, buf[pos:]...)...)
			pos++
			redraw()
		}
	}
}

// escape reads the rest of an escape sequence after ESC.
func (e *lineEditor) escape() string {
	var b strings.Builder
	for i := 0; i < 6; i++ {
		c, err := e.br.ReadByte()
		if err != nil {
			return b.String()
		}
		b.WriteByte(c)
		if i > 0 && (c >= 'A' && c <= 'Z' || c == '~') {
			break
		}
	}
	return b.String()
}

var errNoTerminal = errors.New("not a terminal")
