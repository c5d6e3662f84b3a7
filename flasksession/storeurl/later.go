package storeurl

import (
	"context"
	"fmt"
)

func openSQL(ctx context.Context, rawURL, scheme string, o Options) (*Opened, error) {
	return nil, fmt.Errorf("%w: SQL stores (%s) are not available in this build", ErrUnavailable, scheme)
}
