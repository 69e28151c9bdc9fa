package acl

import "strings"

// Rule strings: how ACL LIST, ACL GETUSER and ACL SAVE describe a user,
// with Redis's normalisation. Redis describes a selector's commands by
// replaying its bitmap (ACLDescribeSelectorCommandRules): it starts from
// +@all when the selector was given +@all (the reserved bit) and from
// -@all otherwise, adds (or removes) the category that best fits what is
// left, as long as one fits better than not, then the single commands
// that still differ, each followed by its subcommands and its allowed
// first arguments. The categories chosen depend on every command of Redis
// 7.0, which is why the catalogue holds them all. Redis lists the single
// commands in the order of its command table's hash, which differs from
// one process to the next; kevy lists them by name.

// describeCommands returns the command rules of s.
func (s *selector) describeCommands() string {
	cat := theCatalogue()
	var b strings.Builder
	fake := newSelector(0)
	additive := !s.allowed.has(cat.future)
	if additive {
		b.WriteString("-@all ")
	} else {
		b.WriteString("+@all ")
		fake.set("+@all")
	}
	temp := newSelector(0)
	copy(temp.allowed, s.allowed)
	applied := make([]bool, len(Categories))
	for {
		best, minDiff, maxSame := -1, int(^uint(0)>>1), 0
		for j := range Categories {
			if applied[j] {
				continue
			}
			on, off := temp.countCategory(1 << j)
			diff, same := on, off
			if additive {
				diff, same = off, on
			}
			if same > diff && (diff < minDiff || diff == minDiff && same > maxSame) {
				best, minDiff, maxSame = j, diff, same
			}
		}
		if best < 0 {
			break
		}
		m := catMask(1) << best
		fake.changeCategory(m, additive)
		temp.changeCategory(m, !additive)
		if additive {
			b.WriteString("+@")
		} else {
			b.WriteString("-@")
		}
		b.WriteString(Categories[best])
		b.WriteByte(' ')
		applied[best] = true
	}
	s.describeSingles(&b, fake, cat.top)
	out := b.String()
	return out[:len(out)-1]
}

// countCategory counts the commands of category m the selector allows
// (on) and denies (off), subcommands included.
func (s *selector) countCategory(m catMask) (on, off int) {
	cat := theCatalogue()
	var walk func(ids []int)
	walk = func(ids []int) {
		for _, id := range ids {
			if cat.cmds[id].cats&m != 0 {
				if s.allowed.has(id) {
					on++
				} else {
					off++
				}
			}
			walk(cat.cmds[id].subs)
		}
	}
	walk(cat.top)
	return on, off
}

// describeSingles writes the single-command rules that make fake's bits
// s's, for the commands ids and their subcommands, with the first
// arguments allowed.
func (s *selector) describeSingles(b *strings.Builder, fake *selector, ids []int) {
	cat := theCatalogue()
	for _, id := range ids {
		user, have := s.allowed.has(id), fake.allowed.has(id)
		if user != have {
			if user {
				b.WriteByte('+')
			} else {
				b.WriteByte('-')
			}
			b.WriteString(cat.cmds[id].name)
			b.WriteByte(' ')
			fake.changePerm(id, user)
		}
		s.describeSingles(b, fake, cat.cmds[id].subs)
		if !user {
			for _, a := range s.firstArgs[id] {
				b.WriteString("+" + cat.cmds[id].name + "|" + a + " ")
			}
		}
	}
}

// patternString is a key pattern as a rule: ~p, %R~p or %W~p.
func (p *keyPattern) String() string {
	switch p.perm {
	case permRead:
		return "%R~" + p.pattern
	case permWrite:
		return "%W~" + p.pattern
	}
	return "~" + p.pattern
}

// describe is the selector's rules: keys, channels, commands
// (ACLDescribeSelector).
func (s *selector) describe() string {
	var b strings.Builder
	if s.flags&selAllKeys != 0 {
		b.WriteString("~* ")
	} else {
		for i := range s.keys {
			b.WriteString(s.keys[i].String())
			b.WriteByte(' ')
		}
	}
	if s.flags&selAllChannels != 0 {
		b.WriteString("&* ")
	} else {
		b.WriteString("resetchannels ")
		for _, c := range s.channels {
			b.WriteString("&" + c + " ")
		}
	}
	b.WriteString(s.describeCommands())
	return b.String()
}

// keysString is ACL GETUSER's "keys" field.
func (s *selector) keysString() string {
	if s.flags&selAllKeys != 0 {
		return "~*"
	}
	parts := make([]string, len(s.keys))
	for i := range s.keys {
		parts[i] = s.keys[i].String()
	}
	return strings.Join(parts, " ")
}

// channelsString is ACL GETUSER's "channels" field.
func (s *selector) channelsString() string {
	if s.flags&selAllChannels != 0 {
		return "&*"
	}
	parts := make([]string, len(s.channels))
	for i, c := range s.channels {
		parts[i] = "&" + c
	}
	return strings.Join(parts, " ")
}
