package wire

import (
	"bytes"
	"io"
	"strconv"
	"testing"

	"github.com/tidwall/redcon"

	"github.com/kevydb/kevy/resp"
)

// pipelineInput is 1000 pipelined SET and GET commands, as a client sends
// them.
func pipelineInput() []byte {
	var b []byte
	for i := range 500 {
		k := "key:" + strconv.Itoa(i)
		b = resp.AppendCommand(b, "SET", k, "value-"+strconv.Itoa(i))
		b = resp.AppendCommand(b, "GET", k)
	}
	return b
}

// BenchmarkParse compares reading commands with kevy's resp.Reader and
// with redcon's Reader (what redcon's server uses), arguments turned into
// strings as the store needs them. One op is one command.
func BenchmarkParse(b *testing.B) {
	in := pipelineInput()
	b.Run("kevy-resp", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(in)) / 1000)
		src := bytes.NewReader(in)
		rd := resp.NewReader(src, resp.ReaderOptions{})
		argv := make([]string, 0, 4)
		for i := 0; b.Loop(); i++ {
			args, err := rd.ReadArgs()
			if err == io.EOF {
				src.Reset(in)
				rd.Reset(src)
				args, err = rd.ReadArgs()
			}
			if err != nil {
				b.Fatal(err)
			}
			argv = argv[:0]
			for _, a := range args {
				argv = append(argv, string(a))
			}
		}
	})
	b.Run("redcon", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(in)) / 1000)
		src := bytes.NewReader(in)
		rd := redcon.NewReader(src)
		var pending []redcon.Command
		argv := make([]string, 0, 4)
		for b.Loop() {
			if len(pending) == 0 {
				cmds, err := rd.ReadCommands()
				if err == io.EOF {
					src.Reset(in)
					rd = redcon.NewReader(src)
					cmds, err = rd.ReadCommands()
				}
				if err != nil {
					b.Fatal(err)
				}
				pending = cmds
			}
			cmd := pending[0]
			pending = pending[1:]
			argv = argv[:0]
			for _, a := range cmd.Args {
				argv = append(argv, string(a))
			}
		}
	})
}

// BenchmarkEncode compares writing a bulk reply and a status reply.
func BenchmarkEncode(b *testing.B) {
	val := "value-12345"
	b.Run("kevy-resp", func(b *testing.B) {
		b.ReportAllocs()
		var out []byte
		for b.Loop() {
			out = resp.AppendReply(out[:0], resp.BulkReply(val))
			out = resp.AppendReply(out, resp.OK)
		}
	})
	b.Run("redcon", func(b *testing.B) {
		b.ReportAllocs()
		var out []byte
		for b.Loop() {
			out = redcon.AppendBulkString(out[:0], val)
			out = redcon.AppendOK(out)
		}
	})
}
