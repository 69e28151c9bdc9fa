package shard

import (
	"strconv"
	"sync/atomic"
)

// NotifyClass is a set of keyspace-notification classes, Redis's
// notify-keyspace-events flags.
type NotifyClass uint32

// The notification classes and their letters in notify-keyspace-events.
const (
	NotifyKeyspace NotifyClass = 1 << iota // K: __keyspace@<db>__:<key>
	NotifyKeyevent                         // E: __keyevent@<db>__:<event>
	NotifyGeneric                          // g: DEL, EXPIRE, RENAME, ...
	NotifyString                           // $
	NotifyList                             // l
	NotifySet                              // s
	NotifyHash                             // h
	NotifyZSet                             // z
	NotifyExpired                          // x
	NotifyEvicted                          // e
	NotifyStream                           // t
	NotifyKeyMiss                          // m
	notifyLoaded                           // modules only
	NotifyModule                           // d
	NotifyNew                              // n

	// NotifyAll is the class set of the letter A.
	NotifyAll = NotifyGeneric | NotifyString | NotifyList | NotifySet | NotifyHash |
		NotifyZSet | NotifyExpired | NotifyEvicted | NotifyStream | NotifyModule
)

// ParseNotifyClasses parses a notify-keyspace-events string such as "KEA" or
// "Kx". It reports false when a letter is not one of Redis's.
func ParseNotifyClasses(s string) (NotifyClass, bool) {
	var f NotifyClass
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 'A':
			f |= NotifyAll
		case 'g':
			f |= NotifyGeneric
		case '$':
			f |= NotifyString
		case 'l':
			f |= NotifyList
		case 's':
			f |= NotifySet
		case 'h':
			f |= NotifyHash
		case 'z':
			f |= NotifyZSet
		case 'x':
			f |= NotifyExpired
		case 'e':
			f |= NotifyEvicted
		case 'K':
			f |= NotifyKeyspace
		case 'E':
			f |= NotifyKeyevent
		case 't':
			f |= NotifyStream
		case 'm':
			f |= NotifyKeyMiss
		case 'd':
			f |= NotifyModule
		case 'n':
			f |= NotifyNew
		default:
			return 0, false
		}
	}
	return f, true
}

// String formats the classes the way CONFIG GET notify-keyspace-events
// shows them.
func (f NotifyClass) String() string {
	var b []byte
	if f&NotifyAll == NotifyAll {
		b = append(b, 'A')
	} else {
		for _, p := range []struct {
			c NotifyClass
			l byte
		}{{NotifyGeneric, 'g'}, {NotifyString, '$'}, {NotifyList, 'l'}, {NotifySet, 's'},
			{NotifyHash, 'h'}, {NotifyZSet, 'z'}, {NotifyExpired, 'x'}, {NotifyEvicted, 'e'},
			{NotifyStream, 't'}, {NotifyModule, 'd'}, {NotifyNew, 'n'}} {
			if f&p.c != 0 {
				b = append(b, p.l)
			}
		}
	}
	if f&NotifyKeyspace != 0 {
		b = append(b, 'K')
	}
	if f&NotifyKeyevent != 0 {
		b = append(b, 'E')
	}
	if f&NotifyKeyMiss != 0 {
		b = append(b, 'm')
	}
	return string(b)
}

// Events holds the keyspace-notification settings shared by every shard of
// a store and the function that publishes a notification. Classes may be
// changed at any time (CONFIG SET) from any goroutine.
type Events struct {
	classes atomic.Uint32
	// Publish delivers one notification. It must not block and must be
	// safe for concurrent use; it is set before the store starts.
	Publish func(channel, message string)
}

// SetClasses replaces the enabled notification classes.
func (ev *Events) SetClasses(c NotifyClass) { ev.classes.Store(uint32(c)) }

// Classes returns the enabled notification classes.
func (ev *Events) Classes() NotifyClass { return NotifyClass(ev.classes.Load()) }

// Notify publishes a keyspace notification for key in database db, if its
// class is enabled, the way Redis's notifyKeyspaceEvent does.
func (ks *Keyspace) Notify(db int, class NotifyClass, event, key string) {
	ev := ks.events
	if ev == nil {
		return
	}
	flags := NotifyClass(ev.classes.Load())
	if flags&class == 0 || ev.Publish == nil {
		return
	}
	dbs := strconv.Itoa(db)
	if flags&NotifyKeyspace != 0 {
		ev.Publish("__keyspace@"+dbs+"__:"+key, event)
	}
	if flags&NotifyKeyevent != 0 {
		ev.Publish("__keyevent@"+dbs+"__:"+event, key)
	}
}
