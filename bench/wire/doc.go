// Package wire measures the wire layer of kevy's server: kevy's own resp
// package against github.com/tidwall/redcon, serving the same store.
package wire
