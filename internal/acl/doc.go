// Package acl is kevy's access control, Redis 7.0's ACL: users with
// SHA-256 passwords, on/off, command, category, subcommand and first
// argument rules, key patterns with read and write permissions, channel
// patterns and selectors; the ACL command (SETUSER, GETUSER, DELUSER,
// USERS, LIST, WHOAMI, CAT, GENPASS, DRYRUN, LOG, SAVE, LOAD), the ACL
// file, the ACL log, and requirepass as the default user's password.
//
// # Checks
//
// A connection runs as a [User]; before it runs a command, it calls
// [User.Check] with the resolved command and its arguments, which applies
// Redis's ACLCheckAllUserCommandPerm: a command is allowed when one of the
// user's selectors allows the command (its bit, or an allowed first
// argument), every key (found with the command's key specs and their
// flags: a key read needs a read pattern, a key written a write pattern)
// and every channel (PUBLISH and SUBSCRIBE match the channel against the
// patterns, PSUBSCRIBE needs a pattern equal to its own). The default
// user of a store nobody configured allows everything, and Check answers
// for it with one atomic load and no other work. The same function serves
// commands at every level: a client's command, a command queued in MULTI
// (checked again at EXEC), and a script's redis.call (with [ScriptMessage]
// for the error), so scripts can reach no key their user cannot.
// [User.FullKeyAccess] is what SORT asks before accepting BY and GET
// patterns, which name keys no check can see.
//
// # Concurrency
//
// A User's rules are an immutable state replaced atomically by ACL
// SETUSER; an [ACL] guards its user table with a mutex. Changes that take
// permissions away close the connections concerned through
// [Config.Clients], as Redis does: deleting a user (or ACL LOAD, which
// replaces every user) closes its connections, and narrowing a user's
// channels closes its subscribers that lost a channel.
//
// # Catalogue
//
// Rules may name any command of Redis 7.0, implemented by kevy or not
// (the catalogue is shard.Catalog), so that ACL files written for Redis
// load, and so that ACL CAT and the rule strings of ACL LIST are
// Redis's: Redis describes a user's commands as the categories that best
// fit them, which depends on every command it has.
package acl
