// Package store keeps users in SQL and calls a few external tools.
package store

import (
	"context"
	"crypto/tls"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"

	"github.com/jmoiron/sqlx"
)

const usersTable = "users"

type Store struct {
	db    *sql.DB
	x     *sqlx.DB
	mu    sync.Mutex // expect: pattern:concurrency
	cache sync.Map
}

type NotFound struct{ ID int }

func (e *NotFound) Error() string { return fmt.Sprintf("user %d not found", e.ID) } // expect: pattern:custom-exceptions

func (s *Store) ByName(name string) (*sql.Rows, error) {
	return s.db.Query("SELECT id FROM users WHERE name = '" + name + "'") // expect: go.sql-injection
}

func (s *Store) ByEmail(ctx context.Context, email string) (*sql.Rows, error) {
	query := fmt.Sprintf("SELECT id FROM users WHERE email = '%s'", email) // expect: go.sql-injection
	return s.db.QueryContext(ctx, query)
}

func (s *Store) ByID(id int) *sql.Row {
	query := fmt.Sprintf("SELECT id FROM users WHERE id = %d", id) // ok: go.sql-injection
	return s.db.QueryRow(query)
}

func (s *Store) All() (*sql.Rows, error) {
	return s.db.Query(fmt.Sprintf("SELECT id, name FROM %s ORDER BY id", usersTable)) // ok: go.sql-injection
}

func (s *Store) Safe(ctx context.Context, email string) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, "SELECT id FROM users WHERE email = $1", email) // ok: go.sql-injection
}

func (s *Store) Count(table string) int {
	var n int
	_ = s.x.Get(&n, fmt.Sprintf("SELECT count(*) FROM %s", table)) // expect: go.sql-injection, go.ignored-error
	label := fmt.Sprintf("counted %s rows", table) // ok: go.sql-injection
	fmt.Println(label)
	return n
}

func (s *Store) Lookup(key string) (string, bool) {
	v, ok := s.cache.Load(key)
	if !ok {
		return "", false
	}
	text, _ := v.(string) // ok: go.ignored-error
	return text, true
}

func Parse(raw string) int {
	n, _ := strconv.Atoi(raw) // expect: go.ignored-error
	host, _ := os.LookupEnv("HOST") // ok: go.ignored-error
	before, _, _ := strings.Cut(raw, ":") // ok: go.ignored-error
	cached, _ := (&Store{}).Lookup(host) // ok: go.ignored-error
	fmt.Println(before, cached)
	return n
}

func Archive(ctx context.Context, dir string) error {
	out, err := exec.CommandContext(ctx, "sh", "-c", "tar czf /tmp/a.tgz "+dir).Output() // expect: go.command-injection
	if err != nil { // expect: pattern:error-handling
		return fmt.Errorf("archive %s: %w", dir, err)
	}
	if err := exec.Command("tar", "czf", "/tmp/a.tgz", dir).Run(); err != nil { // ok: go.command-injection
		return err
	}
	if err := exec.Command("sh", "-c", "ls -l /tmp").Run(); err != nil { // ok: go.empty-error-check
		// The listing is only for the log; a failure does not matter here.
	}
	go exec.Command("sh", "-c", "sync").Run() // ok: go.command-injection, go.ignored-error
	_, err = os.Stdout.Write(out)
	if err != nil {} // expect: go.empty-error-check
	return nil
}

func Client(insecure bool) *http.Client {
	transport := &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // expect: go.tls-insecure
	}
	strict := &tls.Config{InsecureSkipVerify: insecure} // ok: go.tls-insecure
	transport.TLSClientConfig = strict
	strict.InsecureSkipVerify = true // expect: go.tls-insecure
	return &http.Client{Transport: transport}
}

func Fanout(jobs []string) {
	results := make(chan string) // expect: pattern:concurrency
	var wg sync.WaitGroup
	for _, job := range jobs { // ok: go.ignored-error
		wg.Add(1)
		go func(j string) { // expect: pattern:concurrency
			defer wg.Done()
			results <- strings.ToUpper(j)
		}(job)
	}
	wg.Wait()
}
