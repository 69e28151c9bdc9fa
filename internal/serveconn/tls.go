package serveconn

// TLSParams are a server's tls-* parameters (tls-cert-file, tls-key-file,
// tls-ca-cert-file, tls-auth-clients, tls-protocols ...), which the store's
// CONFIG GET and CONFIG SET reach through the registry its servers share.
// Implementations are safe for concurrent use.
type TLSParams interface {
	// TLSParam returns the value of the parameter name, as CONFIG GET
	// shows it.
	TLSParam(name string) string
	// SetTLSParams validates the values (by parameter name) and applies
	// them at once, so that a certificate and its key change together;
	// new handshakes use them, established connections keep theirs. On
	// failure nothing changes, and it returns the parameter to blame and
	// Redis's error text.
	SetTLSParams(values map[string]string) (failName, errText string)
}

// AddTLS registers a server's TLS parameters; the function returned
// removes them.
func (r *Registry) AddTLS(p TLSParams) (remove func()) {
	r.mu.Lock()
	r.tls = append(r.tls, p)
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		for i, q := range r.tls {
			if q == p {
				r.tls = append(r.tls[:i:i], r.tls[i+1:]...)
				return
			}
		}
	}
}

// TLS returns the TLS parameters of the servers serving TLS, in the order
// they registered.
func (r *Registry) TLS() []TLSParams {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]TLSParams(nil), r.tls...)
}
