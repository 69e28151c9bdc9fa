package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Function libraries. Redis 7.0 stores each function library as its whole
// source ("#!lua name=mylib\n..."): in an RDB file as opcode 245
// (RDB_OPCODE_FUNCTION2) and a string, before the databases; and FUNCTION
// DUMP's payload is the same records followed by the RDB version and a
// CRC-64 of everything before it, as DUMP's payload for a key:
//
//	+-----+----------------+-----+----------------+---------+---------+
//	| 245 | string: code 1 | 245 | string: code 2 | version | CRC-64  |
//	+-----+----------------+-----+----------------+---------+---------+
//	                                                 2 bytes   8 bytes
//	                                                 LE        LE
//
// The strings use the RDB string encoding (LZF when that saves at least
// four bytes of a string longer than 20). Version 7.0's release candidates
// wrote opcode 246 instead, with name, engine, an optional description and
// the code apart; readers turn those into the 7.0 form
// "#!<engine> name=<name>\n<code>", as Redis does.

// ErrBadDumpPayload is FUNCTION RESTORE's "version or checksum" failure.
var ErrBadDumpPayload = errors.New("DUMP payload version or checksum are wrong")

// AppendFunctionDump appends FUNCTION DUMP's payload for the libraries'
// sources to dst: byte for byte what redis-server 7.0 writes for them, in
// that order.
func AppendFunctionDump(dst []byte, codes []string) []byte {
	start := len(dst)
	var z lzfCompressor
	for _, code := range codes {
		dst = append(dst, opFunction2)
		dst = appendString(dst, code, &z)
	}
	dst = binary.LittleEndian.AppendUint16(dst, Version)
	crc := crcUpdate(0, dst[start:])
	return binary.LittleEndian.AppendUint64(dst, crc)
}

// appendString is Redis's rdbSaveRawString with compression on.
func appendString(dst []byte, s string, z *lzfCompressor) []byte {
	if len(s) <= 11 {
		if v, ok := encodableInt(s); ok {
			return appendIntEncoded(dst, v)
		}
	}
	if len(s) > 20 {
		if c, ok := z.compress(make([]byte, 0, len(s)), s, len(s)-4); ok {
			dst = append(dst, lenEnc<<6|encLZF)
			dst = appendLen(dst, uint64(len(c)))
			dst = appendLen(dst, uint64(len(s)))
			return append(dst, c...)
		}
	}
	dst = appendLen(dst, uint64(len(s)))
	return append(dst, s...)
}

// ParseFunctionDump checks a FUNCTION DUMP payload (version at most
// [Version], CRC-64 right) and returns the libraries' sources in order. A
// payload that fails the check gives [ErrBadDumpPayload]; one whose records
// do not parse gives Redis's FUNCTION RESTORE texts ("given type is not a
// function", "can not read data type", "Failed loading library payload").
func ParseFunctionDump(p []byte) ([]string, error) {
	if len(p) < 10 {
		return nil, ErrBadDumpPayload
	}
	footer := p[len(p)-10:]
	if binary.LittleEndian.Uint16(footer) > Version {
		return nil, ErrBadDumpPayload
	}
	if crcUpdate(0, p[:len(p)-8]) != binary.LittleEndian.Uint64(footer[2:]) {
		return nil, ErrBadDumpPayload
	}
	body := p[:len(p)-10]
	r := NewReader(bytes.NewReader(body))
	var codes []string
	for r.Offset() < int64(len(body)) {
		op, err := r.readByte()
		if err != nil {
			return nil, errors.New("can not read data type")
		}
		code, err := r.readFunction(op)
		if err != nil {
			return nil, err
		}
		codes = append(codes, code)
	}
	return codes, nil
}

// readFunction reads the library record that follows opcode op (245, or
// 246 of the release candidates).
func (r *Reader) readFunction(op byte) (string, error) {
	switch op {
	case opFunction2:
		code, err := r.readString()
		if err != nil {
			return "", errors.New("Failed loading library payload")
		}
		return code, nil
	case opFunction:
		name, err := r.readString()
		if err != nil {
			return "", errors.New("Failed loading library name")
		}
		engine, err := r.readString()
		if err != nil {
			return "", errors.New("Failed loading engine name")
		}
		hasDesc, err := r.readPlainLen()
		if err != nil {
			return "", errors.New("Failed loading library description indicator")
		}
		if hasDesc != 0 {
			if _, err := r.readString(); err != nil {
				return "", errors.New("Failed loading library description")
			}
		}
		blob, err := r.readString()
		if err != nil {
			return "", errors.New("Failed loading library blob")
		}
		return fmt.Sprintf("#!%s name=%s\n%s", engine, name, blob), nil
	}
	return "", errors.New("given type is not a function")
}
