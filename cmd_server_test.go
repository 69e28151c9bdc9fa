package kevy_test

import (
	"context"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConnSelect(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		require.NoError(t, c.Select(ctx, 5))
		assert.Equal(t, 5, c.DB())
		require.NoError(t, c.Set(ctx, "k", "in5", 0))
		_, err := db.Get(ctx, "k")
		assert.ErrorIs(t, err, kevy.Nil, "Store methods use database 0")
		v, _ := c.Get(ctx, "k")
		assert.Equal(t, "in5", v)
		assert.ErrorIs(t, c.Select(ctx, 16), kevy.ErrDBIndex)
		require.NoError(t, db.SwapDB(ctx, 0, 5))
		v, _ = db.Get(ctx, "k")
		assert.Equal(t, "in5", v)
		require.NoError(t, c.Close())
		_, err = c.Get(ctx, "k")
		assert.Error(t, err)
	})
}
