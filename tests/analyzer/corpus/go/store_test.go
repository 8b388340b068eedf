package store

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) { // expect: pattern:unit-tests
	require.Equal(t, 42, Parse("42"))
}

func BenchmarkParse(b *testing.B) { // expect: pattern:benchmarking
	for i := 0; i < b.N; i++ {
		Parse("42")
	}
}

func helper(t *testing.T) { // ok: pattern:unit-tests
	t.Helper()
}
