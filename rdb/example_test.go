package rdb_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/kevydb/kevy/rdb"
)

// A snapshot written with the streaming API and read back.
func Example() {
	var file bytes.Buffer
	w := rdb.NewWriter(&file, rdb.WriterOptions{CTime: 1700000000})
	_ = w.SelectDB(0)
	_ = w.WriteStringKey("greeting", "hello", 0)
	_ = w.BeginList("queue", 2, 4102444800000)
	_ = w.WriteItem("job-1")
	_ = w.WriteItem("job-2")
	_ = w.WriteEntry(&rdb.Entry{DB: 1, Key: "board", Type: rdb.TypeZSet,
		ZSet: []rdb.Member{{Member: "alice", Score: 100}}})
	if err := w.Close(); err != nil { // errors are sticky: checking here is enough
		fmt.Println(err)
		return
	}

	r := rdb.NewReader(&file)
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(e.DB, e.Type, e.Key, e.Str, e.List, e.ZSet, e.ExpireAt)
	}
	// Output:
	// 0 string greeting hello [] [] 0
	// 0 list queue  [job-1 job-2] [] 4102444800000
	// 1 zset board  [] [{alice 100}] 0
}

// Telling corruption apart from unsupported content and I/O errors.
func ExampleCorruptError() {
	data := []byte("REDIS0010\xfe\x00\x00\x03key") // ends inside a value
	_, err := rdb.NewReader(bytes.NewReader(data)).Next()
	var ce *rdb.CorruptError
	fmt.Println(errors.Is(err, rdb.ErrCorrupt), errors.Is(err, io.ErrUnexpectedEOF))
	if errors.As(err, &ce) {
		fmt.Println(ce.Offset, err)
	}
	// Output:
	// true true
	// 16 rdb: file truncated at offset 16
}
