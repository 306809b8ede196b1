package xmlio

import (
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/impexkit/impex/validate"
)

// chunkSize is the stretch of a document a decoder reads at a time when an
// import reads a checked document in parts.
const chunkSize = 1 << 20

// chunker notes, while a document is checked, where it can be read in
// parts: the offsets of the customers that start a new stretch of
// chunkSize bytes. Two decoders then take turns reading the parts (see
// importer.readParts), each on a core of its own when there are two, where
// one decoder reading the whole document is the longest path of an import.
//
// It is told every child of the root at its start tag, in any order (see
// checkWhole's each). The document must hold customers and nothing else
// but a customer list's header in its first stretch, which the import's
// own decoder reads: a group assignment, say, is read after the customers
// by that decoder, and an unknown element is best reported by it.
type chunker struct {
	// first holds, for each stretch of chunkSize bytes, the offset of the
	// first customer that starts in it, -1 for none; the first stretch,
	// which the import's decoder reads, has none.
	first []int64
	mixed bool // a child other than customers and a header in the first stretch
}

func (c *chunker) see(d *Decoder) {
	off := d.at + d.sc.Offset()
	unprefixed := len(d.sc.Prefix()) == 0
	customer := unprefixed && string(d.sc.Local()) == "customer"
	header := unprefixed && string(d.sc.Local()) == "header" && off < chunkSize
	if !customer && !header {
		c.mixed = true // to be read in one, by the import's decoder
		return
	}
	stretch := off / chunkSize
	if !customer || stretch == 0 {
		return
	}
	for int64(len(c.first)) <= stretch {
		c.first = append(c.first, -1)
	}
	if f := c.first[stretch]; f < 0 || off < f {
		c.first[stretch] = off
	}
}

// parts returns where the parts after the first start, in order, or nil
// when the document is not to be read in parts: it was not read exactly
// once whole at any offset, holds other children than customers after the
// first stretch, or is too short to be worth it.
func (c *chunker) parts(how reading) []int64 {
	if how.ra == nil || !how.exact || c.mixed {
		return nil
	}
	starts := slices.DeleteFunc(c.first, func(off int64) bool { return off < 0 })
	if len(starts) < 2 {
		return nil
	}
	return starts
}

// part is what one decoder read of a part of a document: its records and
// the issues outside them, located within the part (lines and record
// numbers from 1 at its start), and how many lines it spans.
type part struct {
	recs   []Record
	issues []validate.Issue
	lines  int
	err    error
}

// readPart reads the records of d's document up to the child of the root
// that starts at offset stop of d's input, or to the end for a negative
// stop; size is how many records it may expect.
func readPart(d *Decoder, stop int64, size int) part {
	p := part{recs: make([]Record, 0, size)}
	reached := stop < 0 // to the end: nothing to reach
	for nextChild(d) {
		if stop >= 0 && d.sc.Offset() >= stop {
			reached = d.sc.Offset() == stop
			break
		}
		rec, ok := d.record(d.elem())
		if !ok {
			d.unknownChild()
			continue
		}
		if d.err != nil && d.err != io.EOF {
			break
		}
		p.recs = append(p.recs, rec)
	}
	switch {
	case d.err != nil && d.err != io.EOF:
		p.err = d.err
	case !reached:
		p.err = docError(d.opts.Document, fmt.Errorf("the document changed while it was read: no element starts at offset %d", d.at+stop))
	case stop >= 0:
		p.lines = d.sc.Line() - 1
	}
	p.issues = d.issues
	return p
}

// readParts does what read does, for a document checked whole that can be
// read in parts (see chunker): the import's decoder reads the first part,
// two more decoders take turns reading the rest, a part ahead at most, and
// the records go out in the document's order, located in the whole
// document.
func (im *importer) readParts(ch chan<- recordBatch, done <-chan struct{}) {
	d, how, starts := im.dec, im.how, im.parts
	opts, head := d.opts, d.head()
	outs := [2]chan part{make(chan part, 1), make(chan part, 1)}
	var wg sync.WaitGroup
	defer wg.Wait()
	for w := range outs {
		wg.Go(func() {
			defer close(outs[w])
			p := NewDecoder(nil, opts)
			p.spare = d.spare
			size := 0
			for i := w; i < len(starts); i += 2 {
				stop := int64(-1)
				if i+1 < len(starts) {
					stop = starts[i+1] - starts[i]
				}
				p.resume(io.NewSectionReader(how.ra, how.start+starts[i], how.end-how.start-starts[i]), starts[i], head)
				res := readPart(p, stop, size)
				size = len(res.recs) + len(res.recs)/8 // parts are much alike
				select {
				case outs[w] <- res:
				case <-done:
					return
				}
				if res.err != nil {
					return
				}
			}
		})
	}
	send := func(b recordBatch) bool { return sendBatch(ch, done, b) }
	first := readPart(d, starts[0], 0)
	if !send(recordBatch{recs: first.recs, err: first.err}) || first.err != nil {
		return
	}
	lines, records := first.lines, d.count[countCustomer]
	for i := range starts {
		p, ok := <-outs[i%2]
		if !ok {
			return
		}
		for _, rec := range p.recs {
			if c, ok := rec.(*CustomerRecord); ok {
				relocate(&c.Where, lines, records)
				for j := range c.Issues {
					relocate(&c.Issues[j].Where, lines, records)
				}
			}
		}
		for j := range p.issues {
			relocate(&p.issues[j].Where, lines, records)
		}
		im.partIssues = append(im.partIssues, p.issues...)
		if !send(recordBatch{recs: p.recs, err: p.err}) || p.err != nil {
			return
		}
		lines += p.lines
		records += len(p.recs)
	}
}

// relocate moves a location in a part of a document, where lines and
// records count from 1 at the part's start, to the whole document, where
// lines and records come before the part. A location without a line or a
// record keeps it so.
func relocate(w *validate.Where, lines, records int) {
	if w.Line > 0 {
		w.Line += lines
	}
	if w.Record > 0 {
		w.Record += records
	}
}
