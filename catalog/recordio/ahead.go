package recordio

import (
	"errors"
	"fmt"
)

// aheadBatch is how many values ReadAhead hands over at a time.
const aheadBatch = 64

// errStopped ends a read whose values are no longer wanted.
var errStopped = errors.New("recordio: stopped")

// ReadAhead runs read in a goroutine of its own, a few batches of values
// ahead of use, which runs in the caller's goroutine: a reader parses a
// file's entries while the caller makes records of the ones before (on
// two cores both go on at once). Values reach use in the order read emits
// them. It stops at use's first error (read's next emit returns an
// error, which read must return), or after the values read emitted before
// its own error, which is then returned. A panic in read is an error, not
// the end of the process.
func ReadAhead[T any](read func(emit func(T) error) error, use func(T) error) error {
	batches := make(chan []T, 4)
	stop := make(chan struct{})
	var readErr error
	go func() {
		defer close(batches)
		defer func() {
			if v := recover(); v != nil {
				readErr = fmt.Errorf("the reader failed: %v", v)
			}
		}()
		batch := make([]T, 0, aheadBatch)
		send := func() bool {
			select { // stopped: no more, even with room in the channel (a select picks at random)
			case <-stop:
				return false
			default:
			}
			select {
			case batches <- batch:
				batch = make([]T, 0, aheadBatch)
				return true
			case <-stop:
				return false
			}
		}
		err := read(func(v T) error {
			if batch = append(batch, v); len(batch) == aheadBatch && !send() {
				return errStopped
			}
			return nil
		})
		if err != errStopped && len(batch) > 0 && !send() {
			return
		}
		readErr = err
	}()
	var err error
	for batch := range batches { // drained to the end, so that the reader is done when this returns
		for _, v := range batch {
			if err != nil {
				break
			}
			if err = use(v); err != nil {
				close(stop)
			}
		}
	}
	if err != nil {
		return err
	}
	return readErr // set before the channel closed
}
