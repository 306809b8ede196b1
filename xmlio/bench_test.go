package xmlio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
)

// benchCustomers is the size of the benchmark documents. Set
// IMPEX_BENCH_CUSTOMERS=1000000 for the million-customer run.
func benchCustomers() int {
	if n, err := strconv.Atoi(os.Getenv("IMPEX_BENCH_CUSTOMERS")); err == nil && n > 0 {
		return n
	}
	return 100000
}

var benchDoc struct {
	once sync.Once
	doc  []byte
}

// benchDocument is a customer-list document of generated customers, made
// once per process.
func benchDocument(b *testing.B) []byte {
	benchDoc.once.Do(func() { benchDoc.doc = genDocument(b, DocCustomerList, benchCustomers(), false) })
	return benchDoc.doc
}

// peakHeap samples the live heap now and then while an import runs.
type peakHeap struct{ max uint64 }

func (p *peakHeap) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p.max = max(p.max, ms.HeapAlloc)
}

func BenchmarkImportCustomerList(b *testing.B) {
	doc := benchDocument(b)
	benchImport(b, int64(len(doc)), func() io.Reader { return bytes.NewReader(doc) })
}

// BenchmarkImportCustomerListFile imports the same document from a file, as
// an application does: no copy of the document is in memory, so the
// collector's first goal is not twice its size, and collections run as
// the store grows. Run it alone: BenchmarkImportCustomerList and the
// baseline keep their in-memory document for the whole process.
func BenchmarkImportCustomerListFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "customer-list.xml")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	writeDocument(b, w, DocCustomerList, benchCustomers(), false)
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	var open []*os.File
	defer func() {
		for _, f := range open {
			f.Close()
		}
	}()
	benchImport(b, fi.Size(), func() io.Reader {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		open = append(open, f)
		return f
	})
}

// benchImport times imports of the benchmark document, which doc opens,
// into an empty memstore, and reports the CPU time and, from one more run,
// the peak heap.
func benchImport(b *testing.B, size int64, doc func() io.Reader) {
	b.SetBytes(size)
	b.ReportAllocs()
	run := func(progress func(impex.Progress)) {
		st := memstore.New(memstore.Options{})
		res, err := Import(context.Background(), st, doc(), ImportOptions{
			Options: impex.Options{BatchSize: 1000, OnRow: func(impex.RowOutcome) {}, Progress: progress},
		})
		if err != nil || res.Created != benchCustomers() {
			b.Fatalf("%v, %+v", err, res.Counts)
		}
	}
	var cpu int64
	for b.Loop() {
		b.StopTimer()
		runtime.GC() // the last run's store is garbage: not this run's cost
		start, _ := processCPU()
		b.StartTimer()
		run(nil)
		end, _ := processCPU()
		cpu += end - start
	}
	if _, ok := processCPU(); ok {
		b.ReportMetric(float64(cpu)/1e6/float64(b.N), "cpu-ms/op")
	}
	// The peak is sampled after every batch of one more run, outside the
	// timing: reading the heap's statistics stops the world.
	b.StopTimer()
	runtime.GC()
	var peak peakHeap
	run(func(impex.Progress) { peak.sample() })
	b.ReportMetric(float64(peak.max)/(1<<20), "peak-heap-MiB")
}

// The baseline decodes the same bytes with encoding/xml: a Decoder, and
// DecodeElement per customer into a struct mirroring the XSD.
func BenchmarkDecodeElementBaseline(b *testing.B) {
	doc := benchDocument(b)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		d := xml.NewDecoder(bytes.NewReader(doc))
		n := 0
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "customer" {
				var c xsdCustomer
				if err := d.DecodeElement(&c, &se); err != nil {
					b.Fatal(err)
				}
				n++
			}
		}
		if n != benchCustomers() {
			b.Fatalf("decoded %d customers", n)
		}
	}
}

var benchStore struct {
	once sync.Once
	st   *memstore.Store
}

func filledBenchStore(b *testing.B) *memstore.Store {
	benchStore.once.Do(func() {
		benchStore.st = memstore.New(memstore.Options{})
		fillStore(b, benchStore.st, benchCustomers(), false)
	})
	return benchStore.st
}

func BenchmarkExportCustomerList(b *testing.B) {
	st := filledBenchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		n, err := ExportCustomerList(context.Background(), io.Discard, st, customer.ListSettings{ID: "Generated"}, ExportOptions{})
		if err != nil || n != benchCustomers() {
			b.Fatal(n, err)
		}
	}
}

// The baseline lists the same store and writes each customer with an
// encoding/xml Encoder, through the XSD-mirroring struct.
func BenchmarkEncoderBaseline(b *testing.B) {
	st := filledBenchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		enc := xml.NewEncoder(io.Discard)
		enc.Indent("", "    ")
		root := xml.StartElement{Name: xml.Name{Local: "customer-list"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: NSCustomer}, {Name: xml.Name{Local: "list-id"}, Value: "Generated"}}}
		if err := enc.EncodeToken(root); err != nil {
			b.Fatal(err)
		}
		for c, err := range st.List(context.Background(), customer.Filter{}) {
			if err != nil {
				b.Fatal(err)
			}
			x := toXSD(c)
			if err := enc.EncodeElement(&x, xml.StartElement{Name: xml.Name{Local: "customer"}}); err != nil {
				b.Fatal(err)
			}
		}
		if err := enc.EncodeToken(root.End()); err != nil {
			b.Fatal(err)
		}
		if err := enc.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}

// xsdCustomer mirrors complexType.Customer of customer.xsd for the
// encoding/xml baselines.
type xsdCustomer struct {
	CustomerNo  string `xml:"customer-no,attr,omitempty"`
	Mode        string `xml:"mode,attr,omitempty"`
	Credentials *struct {
		Login    string `xml:"login"`
		Password *struct {
			Encrypted bool   `xml:"encrypted,attr"`
			Scheme    string `xml:"encryptionScheme,attr,omitempty"`
			Value     string `xml:",chardata"`
		} `xml:"password"`
		Enabled  *bool  `xml:"enabled-flag"`
		Question string `xml:"password-question,omitempty"`
		Answer   string `xml:"password-answer,omitempty"`
	} `xml:"credentials"`
	Profile *struct {
		Salutation      string     `xml:"salutation,omitempty"`
		Title           string     `xml:"title,omitempty"`
		FirstName       string     `xml:"first-name,omitempty"`
		SecondName      string     `xml:"second-name,omitempty"`
		LastName        string     `xml:"last-name,omitempty"`
		Suffix          string     `xml:"suffix,omitempty"`
		CompanyName     string     `xml:"company-name,omitempty"`
		JobTitle        string     `xml:"job-title,omitempty"`
		Email           string     `xml:"email,omitempty"`
		PhoneHome       string     `xml:"phone-home,omitempty"`
		PhoneBusiness   string     `xml:"phone-business,omitempty"`
		PhoneMobile     string     `xml:"phone-mobile,omitempty"`
		Fax             string     `xml:"fax,omitempty"`
		Birthday        string     `xml:"birthday,omitempty"`
		Gender          string     `xml:"gender,omitempty"`
		CreationDate    *time.Time `xml:"creation-date"`
		LastLoginTime   *time.Time `xml:"last-login-time"`
		LastVisitTime   *time.Time `xml:"last-visit-time"`
		PreferredLocale string     `xml:"preferred-locale,omitempty"`
		Attributes      *xsdAttrs  `xml:"custom-attributes"`
	} `xml:"profile"`
	Addresses *struct {
		Address []struct {
			ID          string    `xml:"address-id,attr"`
			Preferred   string    `xml:"preferred,attr,omitempty"`
			FirstName   string    `xml:"first-name,omitempty"`
			LastName    string    `xml:"last-name,omitempty"`
			Address1    string    `xml:"address1,omitempty"`
			Address2    string    `xml:"address2,omitempty"`
			City        string    `xml:"city,omitempty"`
			PostalCode  string    `xml:"postal-code,omitempty"`
			StateCode   string    `xml:"state-code,omitempty"`
			CountryCode string    `xml:"country-code,omitempty"`
			Phone       string    `xml:"phone,omitempty"`
			Attributes  *xsdAttrs `xml:"custom-attributes"`
		} `xml:"address"`
	} `xml:"addresses"`
	Groups *struct {
		Group []struct {
			ID string `xml:"group-id,attr"`
		} `xml:"customer-group"`
	} `xml:"customer-groups"`
	Note          string `xml:"note,omitempty"`
	GlobalPartyID string `xml:"global-party-id,omitempty"`
}

type xsdAttrs struct {
	Attr []struct {
		ID     string   `xml:"attribute-id,attr"`
		Lang   string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
		Text   string   `xml:",chardata"`
		Values []string `xml:"value"`
	} `xml:"custom-attribute"`
}

// toXSD fills the mirror struct from a customer, as an encoding/xml based
// exporter would.
func toXSD(c *customer.Customer) xsdCustomer {
	var x xsdCustomer
	x.CustomerNo = c.Number
	x.Credentials = &struct {
		Login    string `xml:"login"`
		Password *struct {
			Encrypted bool   `xml:"encrypted,attr"`
			Scheme    string `xml:"encryptionScheme,attr,omitempty"`
			Value     string `xml:",chardata"`
		} `xml:"password"`
		Enabled  *bool  `xml:"enabled-flag"`
		Question string `xml:"password-question,omitempty"`
		Answer   string `xml:"password-answer,omitempty"`
	}{Login: c.Credentials.Login}
	x.Credentials.Password = &struct {
		Encrypted bool   `xml:"encrypted,attr"`
		Scheme    string `xml:"encryptionScheme,attr,omitempty"`
		Value     string `xml:",chardata"`
	}{true, string(c.Credentials.Password.Scheme), c.Credentials.Password.Hash}
	enabled := !c.Credentials.Disabled
	x.Credentials.Enabled = &enabled
	p := &c.Profile
	x.Profile = &struct {
		Salutation      string     `xml:"salutation,omitempty"`
		Title           string     `xml:"title,omitempty"`
		FirstName       string     `xml:"first-name,omitempty"`
		SecondName      string     `xml:"second-name,omitempty"`
		LastName        string     `xml:"last-name,omitempty"`
		Suffix          string     `xml:"suffix,omitempty"`
		CompanyName     string     `xml:"company-name,omitempty"`
		JobTitle        string     `xml:"job-title,omitempty"`
		Email           string     `xml:"email,omitempty"`
		PhoneHome       string     `xml:"phone-home,omitempty"`
		PhoneBusiness   string     `xml:"phone-business,omitempty"`
		PhoneMobile     string     `xml:"phone-mobile,omitempty"`
		Fax             string     `xml:"fax,omitempty"`
		Birthday        string     `xml:"birthday,omitempty"`
		Gender          string     `xml:"gender,omitempty"`
		CreationDate    *time.Time `xml:"creation-date"`
		LastLoginTime   *time.Time `xml:"last-login-time"`
		LastVisitTime   *time.Time `xml:"last-visit-time"`
		PreferredLocale string     `xml:"preferred-locale,omitempty"`
		Attributes      *xsdAttrs  `xml:"custom-attributes"`
	}{FirstName: p.FirstName, LastName: p.LastName, Email: p.Email, PhoneMobile: p.Phones.Mobile,
		Birthday: p.Birthday.Format(time.DateOnly) + "Z", Gender: strconv.Itoa(p.Gender.Code),
		CreationDate: &p.CreationDate, LastLoginTime: &p.LastLoginTime, LastVisitTime: &p.LastVisitTime, PreferredLocale: p.PreferredLocale}
	x.Addresses = new(struct {
		Address []struct {
			ID          string    `xml:"address-id,attr"`
			Preferred   string    `xml:"preferred,attr,omitempty"`
			FirstName   string    `xml:"first-name,omitempty"`
			LastName    string    `xml:"last-name,omitempty"`
			Address1    string    `xml:"address1,omitempty"`
			Address2    string    `xml:"address2,omitempty"`
			City        string    `xml:"city,omitempty"`
			PostalCode  string    `xml:"postal-code,omitempty"`
			StateCode   string    `xml:"state-code,omitempty"`
			CountryCode string    `xml:"country-code,omitempty"`
			Phone       string    `xml:"phone,omitempty"`
			Attributes  *xsdAttrs `xml:"custom-attributes"`
		} `xml:"address"`
	})
	for _, a := range c.Addresses {
		x.Addresses.Address = append(x.Addresses.Address, struct {
			ID          string    `xml:"address-id,attr"`
			Preferred   string    `xml:"preferred,attr,omitempty"`
			FirstName   string    `xml:"first-name,omitempty"`
			LastName    string    `xml:"last-name,omitempty"`
			Address1    string    `xml:"address1,omitempty"`
			Address2    string    `xml:"address2,omitempty"`
			City        string    `xml:"city,omitempty"`
			PostalCode  string    `xml:"postal-code,omitempty"`
			StateCode   string    `xml:"state-code,omitempty"`
			CountryCode string    `xml:"country-code,omitempty"`
			Phone       string    `xml:"phone,omitempty"`
			Attributes  *xsdAttrs `xml:"custom-attributes"`
		}{ID: a.ID, Preferred: strconv.FormatBool(a.Preferred), FirstName: a.FirstName, LastName: a.LastName,
			Address1: a.Address1, Address2: a.Address2, City: a.City, PostalCode: a.PostalCode, StateCode: a.StateCode,
			CountryCode: a.CountryCode, Phone: a.Phone})
	}
	x.Note, x.GlobalPartyID = c.Note, c.GlobalPartyID
	return x
}

// BenchmarkDecodeCustomerList reads the same bytes as the baselines with
// this package's Decoder alone, without storing anything.
func BenchmarkDecodeCustomerList(b *testing.B) {
	doc := benchDocument(b)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(doc), DecodeOptions{})
		n := 0
		for {
			rec, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if _, ok := rec.(*CustomerRecord); ok {
				n++
			}
		}
		if n != benchCustomers() {
			b.Fatalf("decoded %d customers", n)
		}
	}
}
