package store

import (
	"context"
	"database/sql"
	"sync"
)

// modernc's SQLite driver parses a statement's SQL on every call unless it is
// prepared; parsing was a third of the CPU of a cached availability answer.
// prepared keeps one *sql.Stmt per query text on a pool (database/sql then
// prepares it once on each connection that runs it). The set of query texts
// is fixed by the code, so the cache stays small. PostgreSQL needs none of
// this: pgx already caches prepared statements per connection.
type prepared struct {
	db        *sql.DB
	stmts     sync.Map // query text -> *sql.Stmt
	preparing sync.Map // query text -> true while a background prepare waits
}

// cached returns the statement for query if it is prepared already. If not,
// it prepares it in the background and returns nil: a transaction holding
// the pool's only connection (SQLite's write pool) must not wait for it.
func (p *prepared) cached(query string) *sql.Stmt {
	if s, ok := p.stmts.Load(query); ok {
		return s.(*sql.Stmt)
	}
	if _, busy := p.preparing.LoadOrStore(query, true); !busy {
		go func() {
			defer p.preparing.Delete(query)
			_, _ = p.stmt(context.Background(), query) // an error leaves it unprepared; the plain path reports errors
		}()
	}
	return nil
}

func (p *prepared) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := p.stmts.Load(query); ok {
		return s.(*sql.Stmt), nil
	}
	s, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if old, loaded := p.stmts.LoadOrStore(query, s); loaded {
		s.Close()
		return old.(*sql.Stmt), nil
	}
	return s, nil
}

func (p *prepared) close() {
	p.stmts.Range(func(_, s any) bool { s.(*sql.Stmt).Close(); return true })
}

func (p *prepared) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (p *prepared) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

func (p *prepared) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := p.stmt(ctx, query)
	if err != nil {
		return p.db.QueryRowContext(ctx, query, args...) // reports the same error through the Row
	}
	return s.QueryRowContext(ctx, args...)
}

// preparedTx runs a transaction's statements through the statements
// prepared on its pool (tx.StmtContext reuses the one already prepared on
// the transaction's connection). detach drops the caller's cancellation
// (see groupcommit.go).
type preparedTx struct {
	tx     *sql.Tx
	pool   *prepared // nil: plain statements
	detach bool
}

func (t preparedTx) ctx(ctx context.Context) context.Context {
	if t.detach {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (t preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = t.ctx(ctx)
	if t.pool != nil {
		if s := t.pool.cached(query); s != nil {
			return t.tx.StmtContext(ctx, s).ExecContext(ctx, args...)
		}
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = t.ctx(ctx)
	if t.pool != nil {
		if s := t.pool.cached(query); s != nil {
			return t.tx.StmtContext(ctx, s).QueryContext(ctx, args...)
		}
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = t.ctx(ctx)
	if t.pool != nil {
		if s := t.pool.cached(query); s != nil {
			return t.tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
		}
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}
