package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// maxPrealloc caps the capacity reserved from a count read from the file;
// beyond it, slices grow only as elements actually decode.
const maxPrealloc = 1024

// readKeyValue reads the key and value of a record whose type byte t
// (at offset start) has been consumed. It returns nil, nil for an empty
// collection, which the caller skips.
func (r *Reader) readKeyValue(t byte, start int64) (*Entry, error) {
	if what := unsupportedType(t); what != "" {
		if key, err := r.readString(); err == nil {
			what += fmt.Sprintf(" for key %q", key)
		}
		return nil, &UnsupportedError{Offset: start, What: what}
	}
	switch t {
	case typeString, typeList, typeSet, typeZSet, typeHash, typeZSet2,
		typeHashZipmap, typeListZiplist, typeSetIntset, typeZSetZiplist,
		typeHashZiplist, typeListQuicklist, typeHashListpack, typeZSetListpack,
		typeListQuicklist2:
	default:
		return nil, corruptf(start, "unknown opcode or value type %d", t)
	}
	if r.trace != nil {
		r.trace("type " + strconv.Itoa(int(t)))
	}
	key, err := r.readString()
	if err != nil {
		return nil, err
	}
	e := &Entry{Key: key}
	switch t {
	case typeString:
		e.Type = TypeString
		if e.Str, err = r.readString(); err != nil {
			return nil, err
		}
		return e, nil
	case typeList:
		e.Type = TypeList
		e.List, err = r.readStrings(false)
	case typeSet:
		e.Type = TypeSet
		e.Set, err = r.readStrings(true)
	case typeHash:
		e.Type = TypeHash
		e.Hash, err = r.readHash()
	case typeZSet, typeZSet2:
		e.Type = TypeZSet
		e.ZSet, err = r.readZSet(t == typeZSet2)
	case typeListQuicklist, typeListQuicklist2:
		e.Type = TypeList
		e.List, err = r.readQuicklist(t == typeListQuicklist2)
	default:
		err = r.readBlobValue(t, e)
	}
	if err != nil {
		return nil, inValue(err, e)
	}
	if e.Len() == 0 {
		return nil, nil
	}
	return e, nil
}

// inValue names the key in a corruption error found inside its value.
func inValue(err error, e *Entry) error {
	var ce *CorruptError
	if errors.As(err, &ce) && !errors.Is(ce.Err, io.ErrUnexpectedEOF) {
		return &CorruptError{Offset: ce.Offset, Err: fmt.Errorf("%s %q: %w", e.Type, e.Key, ce.Err)}
	}
	return err
}

func unsupportedType(t byte) string {
	switch t {
	case typeModule, typeModule2:
		return fmt.Sprintf("module value (type %d)", t)
	case typeStreamListpacks, typeStream2:
		return fmt.Sprintf("stream value (type %d)", t)
	case typeSetListpack:
		return "listpack set (type 20, RDB 11 / Redis 7.2)"
	case 21:
		return "stream value (type 21, Redis 7.2)"
	case 22, 23, 24, 25:
		return fmt.Sprintf("hash with field expiries (type %d, Redis 7.4)", t)
	}
	return ""
}

// resetSeen starts duplicate detection for a new collection.
func (r *Reader) resetSeen() {
	if r.seen == nil {
		r.seen = make(map[string]struct{})
	}
	clear(r.seen)
}

// addSeen records s and reports whether it was new.
func (r *Reader) addSeen(s string) bool {
	if _, dup := r.seen[s]; dup {
		return false
	}
	r.seen[s] = struct{}{}
	return true
}

// readStrings reads a plain list or set: a count, then that many strings.
func (r *Reader) readStrings(set bool) ([]string, error) {
	n, err := r.readPlainLen()
	if err != nil {
		return nil, err
	}
	if set {
		r.resetSeen()
	}
	out := make([]string, 0, min(n, maxPrealloc))
	for i := uint64(0); i < n; i++ {
		off := r.Offset()
		s, err := r.readString()
		if err != nil {
			return nil, err
		}
		if set && !r.addSeen(s) {
			return nil, corruptf(off, "duplicate set member %q", s)
		}
		out = append(out, s)
	}
	return out, nil
}

// readHash reads a plain hash: a count, then field and value strings.
func (r *Reader) readHash() ([]Field, error) {
	n, err := r.readPlainLen()
	if err != nil {
		return nil, err
	}
	r.resetSeen()
	out := make([]Field, 0, min(n, maxPrealloc))
	for i := uint64(0); i < n; i++ {
		off := r.Offset()
		f, err := r.readString()
		if err != nil {
			return nil, err
		}
		v, err := r.readString()
		if err != nil {
			return nil, err
		}
		if !r.addSeen(f) {
			return nil, corruptf(off, "duplicate hash field %q", f)
		}
		out = append(out, Field{Name: f, Value: v})
	}
	return out, nil
}

// readZSet reads a plain sorted set: a count, then member strings each
// followed by a binary float64 (type 5) or a text score (type 3).
func (r *Reader) readZSet(binaryScores bool) ([]Member, error) {
	n, err := r.readPlainLen()
	if err != nil {
		return nil, err
	}
	r.resetSeen()
	out := make([]Member, 0, min(n, maxPrealloc))
	for i := uint64(0); i < n; i++ {
		off := r.Offset()
		m, err := r.readString()
		if err != nil {
			return nil, err
		}
		var score float64
		if binaryScores {
			b, err := r.readN(8)
			if err != nil {
				return nil, err
			}
			score = math.Float64frombits(binary.LittleEndian.Uint64(b))
		} else if score, err = r.readTextScore(); err != nil {
			return nil, err
		}
		if math.IsNaN(score) {
			return nil, corruptf(off, "NaN score for member %q", m)
		}
		if !r.addSeen(m) {
			return nil, corruptf(off, "duplicate zset member %q", m)
		}
		out = append(out, Member{Member: m, Score: score})
	}
	return out, nil
}

// readTextScore reads an RDB 1-7 double: a length byte (253 NaN, 254 +Inf,
// 255 -Inf) then that many bytes of decimal text.
func (r *Reader) readTextScore() (float64, error) {
	off := r.Offset()
	l, err := r.readByte()
	if err != nil {
		return 0, err
	}
	switch l {
	case 253:
		return math.NaN(), nil
	case 254:
		return math.Inf(1), nil
	case 255:
		return math.Inf(-1), nil
	}
	b, err := r.readN(int(l))
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return 0, corruptf(off, "bad score %q", b)
	}
	return f, nil
}

// readQuicklist reads a quicklist: a node count, then for each node (RDB
// type 18 only) a container kind and a string holding a listpack (18,
// PACKED), a ziplist (14) or a single element (18, PLAIN).
func (r *Reader) readQuicklist(v2 bool) ([]string, error) {
	n, err := r.readPlainLen()
	if err != nil {
		return nil, err
	}
	var out []string
	add := func(e elem) error {
		out = append(out, e.String())
		return nil
	}
	for i := uint64(0); i < n; i++ {
		container := uint64(containerPacked)
		if v2 {
			off := r.Offset()
			if container, err = r.readPlainLen(); err != nil {
				return nil, err
			}
			if container != containerPlain && container != containerPacked {
				return nil, corruptf(off, "quicklist node %d has unknown container %d", i, container)
			}
		}
		off := r.Offset()
		if container == containerPlain {
			if r.trace != nil {
				r.trace("plain node")
			}
			s, err := r.readString()
			if err != nil {
				return nil, err
			}
			if s == "" {
				return nil, corruptf(off, "quicklist node %d is empty", i)
			}
			out = append(out, s)
			continue
		}
		blob, err := r.readStringBytes()
		if err != nil {
			return nil, err
		}
		if len(blob) == 0 {
			return nil, corruptf(off, "quicklist node %d is empty", i)
		}
		if out == nil {
			out = make([]string, 0, min(n*8, maxPrealloc))
		}
		if v2 {
			_, err = walkListpack(blob, add)
		} else {
			_, err = walkZiplist(blob, add)
		}
		if err != nil {
			return nil, corruptf(off, "quicklist node %d: %v", i, err)
		}
	}
	return out, nil
}

// readBlobValue reads a value stored as one compact blob (zipmap, ziplist,
// intset, listpack) into e.
func (r *Reader) readBlobValue(t byte, e *Entry) error {
	off := r.Offset()
	blob, err := r.readStringBytes()
	if err != nil {
		return err
	}
	switch t {
	case typeListZiplist:
		e.Type = TypeList
		_, err = walkZiplist(blob, func(el elem) error {
			e.List = append(e.List, el.String())
			return nil
		})
	case typeSetIntset:
		e.Type = TypeSet
		_, err = walkIntset(blob, func(v int64) error {
			e.Set = append(e.Set, strconv.FormatInt(v, 10))
			return nil
		})
	case typeHashZipmap:
		e.Type = TypeHash
		r.resetSeen()
		_, err = walkZipmap(blob, func(f, v []byte) error {
			return r.addField(e, string(f), string(v))
		})
	case typeHashZiplist, typeHashListpack:
		e.Type = TypeHash
		err = r.walkPairs(t == typeHashListpack, blob, func(a, b elem) error {
			return r.addField(e, a.String(), b.String())
		})
	case typeZSetZiplist, typeZSetListpack:
		e.Type = TypeZSet
		err = r.walkPairs(t == typeZSetListpack, blob, func(a, b elem) error {
			return r.addMember(e, a.String(), b)
		})
	}
	if err != nil {
		return corruptf(off, "%v", err)
	}
	return nil
}

// walkPairs walks a ziplist or listpack of alternating names and values.
func (r *Reader) walkPairs(listpack bool, blob []byte, fn func(a, b elem) error) error {
	r.resetSeen()
	var first elem
	odd := false
	step := func(el elem) error {
		if odd = !odd; odd {
			first = el // strings alias the blob, which stays put

			return nil
		}
		return fn(first, el)
	}
	var err error
	if listpack {
		_, err = walkListpack(blob, step)
	} else {
		_, err = walkZiplist(blob, step)
	}
	if err == nil && odd {
		err = errors.New("odd number of elements in a field/value encoding")
	}
	return err
}

func (r *Reader) addField(e *Entry, f, v string) error {
	if !r.addSeen(f) {
		return fmt.Errorf("duplicate hash field %q", f)
	}
	e.Hash = append(e.Hash, Field{Name: f, Value: v})
	return nil
}

func (r *Reader) addMember(e *Entry, m string, score elem) error {
	var f float64
	if score.isInt {
		f = float64(score.n)
	} else {
		var err error
		if f, err = strconv.ParseFloat(string(score.s), 64); err != nil {
			return fmt.Errorf("bad score %q for member %q", score.s, m)
		}
	}
	if math.IsNaN(f) {
		return fmt.Errorf("NaN score for member %q", m)
	}
	if !r.addSeen(m) {
		return fmt.Errorf("duplicate zset member %q", m)
	}
	e.ZSet = append(e.ZSet, Member{Member: m, Score: f})
	return nil
}
