// Package oai serves the catalogue to harvesters over OAI-PMH 2.0: a
// harvester copies it incrementally, deletions included. Items are records
// that were ever published (catalog.HarvestStore); sets are kinds, events
// and topics; metadata is oai_dc (export/dc).
package oai

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export/dc"
	"github.com/labstack/echo/v4"
)

// Source is what the handler reads: harvest items and their events.
type Source interface {
	catalog.HarvestStore
	catalog.EventReader
}

// Config is what a Handler needs.
type Config struct {
	Source Source
	// RepositoryName is the repository's name in Identify; RepositoryID
	// the domain-like middle of its identifiers ("oai:annals.local:ID");
	// AdminEmail the administrator's address.
	RepositoryName, RepositoryID, AdminEmail string
	// PageSize is how many items a list response holds (default 100);
	// TokenTTL how long its resumption tokens last (default 24 hours).
	PageSize int
	TokenTTL time.Duration
	// BaseURL is the scheme and host the repository is reached by.
	BaseURL func(c echo.Context) string
	// TokenKey signs resumption tokens (32 bytes or more; a random key,
	// good until the process stops, when empty).
	TokenKey []byte
}

// Handler answers OAI-PMH requests.
type Handler struct {
	cfg Config
}

// New makes a handler.
func New(cfg Config) *Handler {
	if cfg.PageSize <= 0 {
		cfg.PageSize = 100
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 24 * time.Hour
	}
	if len(cfg.TokenKey) == 0 {
		cfg.TokenKey = make([]byte, 32)
		rand.Read(cfg.TokenKey)
	}
	return &Handler{cfg: cfg}
}

const (
	oaiNamespace  = "http://www.openarchives.org/OAI/2.0/"
	oaiSchema     = oaiNamespace + " http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
	oaiDCPrefix   = "oai_dc"
	oaiTimeLayout = "2006-01-02T15:04:05Z"
	oaiDayLayout  = "2006-01-02"
)

// oaiArgs lists the arguments each verb takes besides verb itself.
var oaiArgs = map[string][]string{
	"Identify":            {},
	"ListMetadataFormats": {"identifier"},
	"ListSets":            {"resumptionToken"},
	"ListIdentifiers":     {"metadataPrefix", "from", "until", "set", "resumptionToken"},
	"ListRecords":         {"metadataPrefix", "from", "until", "set", "resumptionToken"},
	"GetRecord":           {"identifier", "metadataPrefix"},
}

// oaiError is an OAI-PMH protocol error: answered with 200 and an error
// element, as the specification asks.
type oaiError struct {
	code, msg string
}

func (e *oaiError) Error() string { return e.code + ": " + e.msg }

func oaiErrorf(code, format string, args ...any) *oaiError {
	return &oaiError{code: code, msg: fmt.Sprintf(format, args...)}
}

// oaiRequest is a parsed OAI-PMH request.
type oaiRequest struct {
	verb string
	args map[string]string
}

// parseOAI reads the verb and arguments from the query (GET) or the form
// (POST) and checks them against the verb.
func parseOAI(c echo.Context) (oaiRequest, *oaiError) {
	var values url.Values
	if c.Request().Method == http.MethodPost {
		values, _ = c.FormParams()
	} else {
		values = c.QueryParams()
	}
	req := oaiRequest{args: map[string]string{}}
	verbs := values["verb"]
	if len(verbs) != 1 {
		return req, oaiErrorf("badVerb", "Give exactly one verb: Identify, ListMetadataFormats, ListSets, ListIdentifiers, ListRecords or GetRecord.")
	}
	allowed, ok := oaiArgs[verbs[0]]
	if !ok {
		return req, oaiErrorf("badVerb", "%q is not an OAI-PMH verb.", verbs[0])
	}
	req.verb = verbs[0]
	for k, vs := range values {
		if k == "verb" {
			continue
		}
		found := false
		for _, a := range allowed {
			found = found || a == k
		}
		if !found {
			return req, oaiErrorf("badArgument", "%s does not take the argument %q.", req.verb, k)
		}
		if len(vs) != 1 {
			return req, oaiErrorf("badArgument", "The argument %q is repeated.", k)
		}
		req.args[k] = vs[0]
	}
	if _, ok := req.args["resumptionToken"]; ok && len(req.args) > 1 {
		return req, oaiErrorf("badArgument", "resumptionToken is an exclusive argument: send it alone with the verb.")
	}
	return req, nil
}

// oaiDate reads a from or until argument: a day or a UTC second.
func oaiDate(s string) (t time.Time, day bool, err error) {
	if t, err := time.Parse(oaiDayLayout, s); err == nil {
		return t, true, nil
	}
	t, err = time.Parse(oaiTimeLayout, s)
	return t, false, err
}

// harvestToken is what a resumption token holds: the request it continues
// and where it stopped. Its time window is fixed at the first request, so
// records changed during a harvest wait for the next one instead of being
// repeated or skipped.
type harvestToken struct {
	Verb     string    `json:"v"`
	Set      string    `json:"s,omitempty"`
	From     time.Time `json:"f,omitzero"`
	Before   time.Time `json:"b"`
	After    string    `json:"a"`
	Cursor   int       `json:"c"`
	Complete int       `json:"n"`
	Expires  time.Time `json:"e"`
}

// encodeToken writes a token signed with the handler's key, so that a
// harvester cannot forge one (a made-up cursor or window).
func (h *Handler) encodeToken(t harvestToken) string {
	b, _ := json.Marshal(t)
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + h.tokenMAC(payload)
}

func (h *Handler) tokenMAC(payload string) string {
	m := hmac.New(sha256.New, h.cfg.TokenKey)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

func (h *Handler) decodeToken(s, verb string, now time.Time) (harvestToken, *oaiError) {
	var t harvestToken
	bad := oaiErrorf("badResumptionToken", "The resumption token is not one this repository issued.")
	payload, mac, ok := strings.Cut(s, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(h.tokenMAC(payload))) {
		return t, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || json.Unmarshal(b, &t) != nil || t.Verb == "" || t.Before.IsZero() || t.Cursor < 0 || t.Complete < t.Cursor {
		return t, bad
	}
	if t.Verb != verb {
		return t, oaiErrorf("badResumptionToken", "The resumption token belongs to %s, not %s.", t.Verb, verb)
	}
	if now.After(t.Expires) {
		return t, oaiErrorf("badResumptionToken", "The resumption token expired at %s; start the harvest again.", t.Expires.Format(oaiTimeLayout))
	}
	return t, nil
}

// oaiWriter writes one OAI-PMH response.
type oaiWriter struct {
	enc *xml.Encoder
}

func start(name string, attrs ...xml.Attr) xml.StartElement {
	return xml.StartElement{Name: xml.Name{Local: name}, Attr: attrs}
}

func attr(name, value string) xml.Attr { return xml.Attr{Name: xml.Name{Local: name}, Value: value} }

func (w *oaiWriter) element(name, value string, attrs ...xml.Attr) {
	w.enc.EncodeElement(value, start(name, attrs...))
}

func (w *oaiWriter) open(name string, attrs ...xml.Attr) { w.enc.EncodeToken(start(name, attrs...)) }
func (w *oaiWriter) close(name string) {
	w.enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: name}})
}

// Serve answers GET and POST /oai. The verb's answer is built first (at
// most one page of items, so memory does not grow with the catalogue),
// because after a badVerb or badArgument error the request element must be
// written without attributes.
func (h *Handler) Serve(c echo.Context) error {
	now := time.Now().UTC()
	base := h.cfg.BaseURL(c) + "/oai"
	var body bytes.Buffer
	w := &oaiWriter{enc: xml.NewEncoder(&body)}
	w.enc.Indent(" ", " ")
	req, perr := parseOAI(c)
	var err error
	if perr == nil {
		err = h.oaiVerb(c.Request().Context(), c, w, req, now)
		w.enc.Flush()
	} else {
		err = perr
	}
	oe, isOAI := err.(*oaiError)
	if err != nil && !isOAI {
		return err
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/xml; charset=utf-8")
	res.WriteHeader(http.StatusOK)
	res.Write([]byte(xml.Header))
	out := &oaiWriter{enc: xml.NewEncoder(res)}
	out.enc.Indent("", " ")
	out.open("OAI-PMH", attr("xmlns", oaiNamespace), attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
		attr("xsi:schemaLocation", oaiSchema))
	out.element("responseDate", now.Format(oaiTimeLayout))
	if oe != nil && (oe.code == "badVerb" || oe.code == "badArgument") {
		out.element("request", base)
	} else {
		attrs := []xml.Attr{attr("verb", req.verb)}
		keys := make([]string, 0, len(req.args))
		for k := range req.args {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			attrs = append(attrs, attr(k, req.args[k]))
		}
		out.element("request", base, attrs...)
	}
	out.enc.Flush()
	if oe != nil {
		out.element("error", oe.msg, attr("code", oe.code))
	} else {
		res.Write([]byte("\n"))
		res.Write(body.Bytes())
	}
	out.close("OAI-PMH")
	return out.enc.Flush()
}

func (h *Handler) oaiVerb(ctx context.Context, c echo.Context, w *oaiWriter, req oaiRequest, now time.Time) error {
	switch req.verb {
	case "Identify":
		return h.oaiIdentify(ctx, c, w)
	case "ListMetadataFormats":
		if id, ok := req.args["identifier"]; ok {
			if _, err := h.oaiItem(ctx, id); err != nil {
				return err
			}
		}
		w.open("ListMetadataFormats")
		w.open("metadataFormat")
		w.element("metadataPrefix", oaiDCPrefix)
		w.element("schema", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
		w.element("metadataNamespace", dc.NamespaceOAIDC)
		w.close("metadataFormat")
		w.close("ListMetadataFormats")
		return nil
	case "ListSets":
		if _, ok := req.args["resumptionToken"]; ok {
			return oaiErrorf("badResumptionToken", "ListSets answers in one response; it issues no resumption tokens.")
		}
		return h.oaiListSets(ctx, w)
	case "GetRecord":
		id, ok1 := req.args["identifier"]
		prefix, ok2 := req.args["metadataPrefix"]
		if !ok1 || !ok2 {
			return oaiErrorf("badArgument", "GetRecord needs identifier and metadataPrefix.")
		}
		if prefix != oaiDCPrefix {
			return oaiErrorf("cannotDisseminateFormat", "This repository disseminates oai_dc only, not %q.", prefix)
		}
		it, err := h.oaiItem(ctx, id)
		if err != nil {
			return err
		}
		w.open("GetRecord")
		h.oaiRecord(ctx, c, w, it, true)
		w.close("GetRecord")
		return nil
	}
	return h.oaiList(ctx, c, w, req, now)
}

func (h *Handler) oaiIdentify(ctx context.Context, c echo.Context, w *oaiWriter) error {
	earliest, err := h.cfg.Source.EarliestDatestamp(ctx)
	if err != nil {
		return err
	}
	if earliest.IsZero() {
		earliest = time.Now().UTC()
	}
	w.open("Identify")
	w.element("repositoryName", h.cfg.RepositoryName)
	w.element("baseURL", h.cfg.BaseURL(c)+"/oai")
	w.element("protocolVersion", "2.0")
	w.element("adminEmail", h.cfg.AdminEmail)
	w.element("earliestDatestamp", earliest.UTC().Format(oaiTimeLayout))
	w.element("deletedRecord", "persistent")
	w.element("granularity", "YYYY-MM-DDThh:mm:ssZ")
	w.open("description")
	w.open("oai-identifier", attr("xmlns", "http://www.openarchives.org/OAI/2.0/oai-identifier"),
		attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
		attr("xsi:schemaLocation", "http://www.openarchives.org/OAI/2.0/oai-identifier http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"))
	w.element("scheme", "oai")
	w.element("repositoryIdentifier", h.cfg.RepositoryID)
	w.element("delimiter", ":")
	w.element("sampleIdentifier", "oai:"+h.cfg.RepositoryID+":jinan-2025-aldoshin")
	w.close("oai-identifier")
	w.close("description")
	w.close("Identify")
	return nil
}

// oaiItem finds the record an OAI identifier names.
func (h *Handler) oaiItem(ctx context.Context, identifier string) (*catalog.HarvestItem, error) {
	prefix := "oai:" + h.cfg.RepositoryID + ":"
	if !strings.HasPrefix(identifier, prefix) {
		return nil, oaiErrorf("idDoesNotExist", "%q is not an identifier of this repository (they start with %s).", identifier, prefix)
	}
	it, err := h.cfg.Source.FindHarvestItem(ctx, strings.TrimPrefix(identifier, prefix))
	if catalog.ErrorCode(err) == catalog.ENOTFOUND {
		return nil, oaiErrorf("idDoesNotExist", "There is no item %q.", identifier)
	}
	return it, err
}

// setSpecs are the sets a record belongs to.
func setSpecs(r *catalog.Record) []string {
	specs := []string{"kind:" + string(r.Kind)}
	if r.Event != "" {
		specs = append(specs, "event:"+r.Event)
	}
	for _, t := range r.Topics {
		specs = append(specs, "topic:"+t)
	}
	return specs
}

func (h *Handler) oaiListSets(ctx context.Context, w *oaiWriter) error {
	events, err := h.cfg.Source.FindEvents(ctx)
	if err != nil {
		return err
	}
	set := func(spec, name string) {
		w.open("set")
		w.element("setSpec", spec)
		w.element("setName", name)
		w.close("set")
	}
	w.open("ListSets")
	set("kind", "Kinds of output")
	for _, k := range catalog.Kinds() {
		set("kind:"+string(k), "Kind: "+string(k))
	}
	set("event", "Events")
	for _, e := range events {
		set("event:"+e.ID, e.Name)
	}
	set("topic", "Topics")
	for _, t := range catalog.Topics() {
		set("topic:"+t.Key, t.Labels["en"])
	}
	w.close("ListSets")
	return nil
}

// harvestFilter turns a set spec into store filters; ok is false for a
// set that does not exist.
func harvestFilter(set string) (f catalog.HarvestFilter, ok bool) {
	parent, child, hasChild := strings.Cut(set, ":")
	switch {
	case set == "":
		return f, true
	case !hasChild && parent == "kind": // a parent set holds every item of its children
	case !hasChild && parent == "event":
		f.Event = "*"
	case !hasChild && parent == "topic":
		f.Topic = "*"
	case parent == "kind" && catalog.Kind(child).Valid():
		f.Kind = catalog.Kind(child)
	case parent == "event" && child != "":
		f.Event = child
	case parent == "topic":
		if _, known := catalog.FindTopic(child); !known {
			return f, false
		}
		f.Topic = child
	default:
		return f, false
	}
	return f, true
}

// oaiList answers ListIdentifiers and ListRecords, one page at a time.
func (h *Handler) oaiList(ctx context.Context, c echo.Context, w *oaiWriter, req oaiRequest, now time.Time) error {
	var tok harvestToken
	if raw, ok := req.args["resumptionToken"]; ok {
		var err *oaiError
		if tok, err = h.decodeToken(raw, req.verb, now); err != nil {
			return err
		}
	} else {
		prefix, ok := req.args["metadataPrefix"]
		if !ok {
			return oaiErrorf("badArgument", "%s needs metadataPrefix (or a resumptionToken).", req.verb)
		}
		if prefix != oaiDCPrefix {
			return oaiErrorf("cannotDisseminateFormat", "This repository disseminates oai_dc only, not %q.", prefix)
		}
		tok = harvestToken{Verb: req.verb, Set: req.args["set"], Before: now.Truncate(time.Microsecond)}
		var fromDay, untilDay bool
		if v, ok := req.args["from"]; ok {
			t, day, err := oaiDate(v)
			if err != nil {
				return oaiErrorf("badArgument", "from %q must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.", v)
			}
			tok.From, fromDay = t, day
		}
		if v, ok := req.args["until"]; ok {
			t, day, err := oaiDate(v)
			if err != nil {
				return oaiErrorf("badArgument", "until %q must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.", v)
			}
			untilDay = day
			if _, both := req.args["from"]; both && fromDay != untilDay {
				return oaiErrorf("badArgument", "from and until must have the same granularity.")
			}
			end := t.Add(time.Second) // until is inclusive
			if day {
				end = t.AddDate(0, 0, 1)
			}
			if end.Before(tok.Before) {
				tok.Before = end
			}
			if !tok.From.IsZero() && t.Before(tok.From) {
				return oaiErrorf("badArgument", "from %s is after until %s.", req.args["from"], v)
			}
		}
		if _, ok := harvestFilter(tok.Set); !ok {
			return oaiErrorf("noRecordsMatch", "There is no set %q (ListSets lists them).", tok.Set)
		}
	}
	f, _ := harvestFilter(tok.Set)
	f.From, f.Before, f.After, f.Limit = tok.From, tok.Before, tok.After, h.cfg.PageSize+1
	if tok.After == "" {
		n, err := h.cfg.Source.CountHarvestItems(ctx, f)
		if err != nil {
			return err
		}
		if n == 0 {
			return oaiErrorf("noRecordsMatch", "No items match this request.")
		}
		tok.Complete = n
	}
	items, err := h.cfg.Source.FindHarvestItems(ctx, f)
	if catalog.ErrorCode(err) == catalog.EMALFORMED {
		return oaiErrorf("badResumptionToken", "The resumption token is not one this repository issued.")
	}
	if err != nil {
		return err
	}
	more := len(items) > h.cfg.PageSize
	if more {
		items = items[:h.cfg.PageSize]
	}
	w.open(req.verb)
	for i := range items {
		h.oaiRecord(ctx, c, w, &items[i], req.verb == "ListRecords")
	}
	split := more || tok.After != ""
	if split {
		next := tok
		next.Cursor = tok.Cursor + len(items)
		attrs := []xml.Attr{attr("completeListSize", fmt.Sprint(tok.Complete)), attr("cursor", fmt.Sprint(tok.Cursor))}
		value := ""
		if more {
			next.After = items[len(items)-1].Position
			next.Expires = now.Add(h.cfg.TokenTTL)
			value = h.encodeToken(next)
			attrs = append([]xml.Attr{attr("expirationDate", next.Expires.Format(oaiTimeLayout))}, attrs...)
		}
		w.element("resumptionToken", value, attrs...)
	}
	w.close(req.verb)
	return nil
}

// oaiRecord writes a header (ListIdentifiers) or a record with its Dublin
// Core (ListRecords, GetRecord); a deleted item has a header only.
func (h *Handler) oaiRecord(ctx context.Context, c echo.Context, w *oaiWriter, it *catalog.HarvestItem, withMetadata bool) {
	r := &it.Record
	if withMetadata {
		w.open("record")
	}
	var hattrs []xml.Attr
	if it.Deleted {
		hattrs = append(hattrs, attr("status", "deleted"))
	}
	w.open("header", hattrs...)
	w.element("identifier", "oai:"+h.cfg.RepositoryID+":"+r.ID)
	w.element("datestamp", it.Datestamp.UTC().Format(oaiTimeLayout))
	for _, spec := range setSpecs(r) {
		w.element("setSpec", spec)
	}
	w.close("header")
	if withMetadata {
		if !it.Deleted {
			var ev *catalog.Event
			if r.Event != "" {
				ev, _ = h.cfg.Source.FindEventByID(ctx, r.Event)
			}
			w.open("metadata")
			w.enc.Encode(dc.FromRecord(r, ev, h.cfg.BaseURL(c)+"/records/"+r.ID))
			w.close("metadata")
		}
		w.close("record")
	}
}
