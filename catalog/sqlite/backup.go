package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/annals/annals/catalog"
)

// Backup writes a consistent copy of the database to path with VACUUM INTO,
// which reads one snapshot while writers carry on. The copy is written
// beside path under a temporary name and renamed into place when complete,
// so a half-written backup never has the final name.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return catalog.Errorf(catalog.ECONFLICT, "%s exists; choose a new file name for the backup.", path)
	}
	tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.%d.tmp", filepath.Base(path), os.Getpid()))
	os.Remove(tmp)
	if _, err := s.write.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // drafts and token hashes: the owner's only
		os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
