// An independent verifier of a Multitude transparency log, built only on Go's
// golang.org/x/mod/sumdb/tlog and sumdb/note (the packages the Go checksum
// database relies on). It reads nothing but /log/key, /log/checkpoint and the
// C2SP tlog-tiles of the instance (plus, with -event, the JSON inclusion proof
// of one event, which it checks against the signed root). Nothing of
// Multitude's own TypeScript code is involved, so agreement proves that the log
// follows the specs rather than our reading of them.
//
// Usage: go-verifier -url http://host:port [-key "<verifier key>"] [-event <event id>]
// Exit status: 0 verified, 1 mismatch or bad signature, 2 usage or network error.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const tileHeight = 8

var client = &http.Client{Timeout: 30 * time.Second}

type usageError struct{ error }

func fetch(base, path string) ([]byte, error) {
	res, err := client.Get(strings.TrimRight(base, "/") + "/" + path)
	if err != nil {
		return nil, usageError{err}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, usageError{err}
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", path, res.StatusCode)
	}
	return body, nil
}

// c2spPath turns Go's sumdb tile path (tile/8/L/N, tile/8/data/N) into the
// C2SP tlog-tiles one (tile/L/N, tile/entries/N): same tiling, no height.
func c2spPath(t tlog.Tile) string {
	p := strings.Replace(t.Path(), fmt.Sprintf("tile/%d/", tileHeight), "tile/", 1)
	return strings.Replace(p, "tile/data/", "tile/entries/", 1)
}

// tileReader serves tlog.TileHashReader from the instance's hash tiles;
// TileHashReader itself authenticates every tile against the signed root.
type tileReader struct{ base string }

func (r tileReader) Height() int { return tileHeight }

func (r tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, err := fetch(r.base, "log/"+c2spPath(t))
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (r tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

type checkpoint struct {
	origin string
	tree   tlog.Tree
}

// parseCheckpoint reads a C2SP tlog-checkpoint body: origin, size, base64 root.
func parseCheckpoint(text string) (checkpoint, error) {
	lines := strings.Split(text, "\n")
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		return checkpoint{}, fmt.Errorf("malformed checkpoint %q", text)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return checkpoint{}, fmt.Errorf("malformed tree size %q", lines[1])
	}
	hash, err := tlog.ParseHash(lines[2])
	if err != nil {
		return checkpoint{}, fmt.Errorf("malformed root hash %q", lines[2])
	}
	return checkpoint{origin: lines[0], tree: tlog.Tree{N: size, Hash: hash}}, nil
}

// entries splits an entry bundle: each entry is prefixed by its big-endian uint16 length.
func entries(bundle []byte) ([][]byte, error) {
	var out [][]byte
	for len(bundle) > 0 {
		if len(bundle) < 2 {
			return nil, fmt.Errorf("truncated entry bundle")
		}
		n := int(binary.BigEndian.Uint16(bundle))
		if len(bundle) < 2+n {
			return nil, fmt.Errorf("truncated entry bundle")
		}
		out = append(out, bundle[2:2+n])
		bundle = bundle[2+n:]
	}
	return out, nil
}

type inclusion struct {
	Index      int64    `json:"index"`
	EventID    string   `json:"eventId"`
	Entry      string   `json:"entry"`
	Proof      []string `json:"proof"`
	Checkpoint struct {
		Size     int64  `json:"size"`
		RootHash string `json:"rootHash"`
	} `json:"checkpoint"`
}

func verify(base, key, event string) (string, error) {
	if key == "" {
		k, err := fetch(base, "log/key")
		if err != nil {
			return "", err
		}
		key = strings.TrimSpace(string(k))
	}
	verifier, err := note.NewVerifier(key)
	if err != nil {
		return "", usageError{fmt.Errorf("bad verifier key: %v", err)}
	}
	raw, err := fetch(base, "log/checkpoint")
	if err != nil {
		return "", err
	}
	n, err := note.Open(raw, note.VerifierList(verifier))
	if err != nil {
		return "", fmt.Errorf("checkpoint signature: %v", err)
	}
	cp, err := parseCheckpoint(n.Text)
	if err != nil {
		return "", err
	}
	if cp.origin != verifier.Name() {
		return "", fmt.Errorf("checkpoint origin %q is not the key's name %q", cp.origin, verifier.Name())
	}
	size := cp.tree.N
	hashes := tlog.TileHashReader(cp.tree, tileReader{base})
	root, err := tlog.TreeHash(size, hashes)
	if err != nil {
		return "", fmt.Errorf("tree hash from tiles: %v", err)
	}
	if root != cp.tree.Hash {
		return "", fmt.Errorf("tiles give root %v, checkpoint signs %v", root, cp.tree.Hash)
	}

	// Every entry, hashed here, must be the leaf the authenticated tiles hold.
	width := int64(1) << tileHeight
	for start := int64(0); start < size; start += width {
		w := size - start
		if w > width {
			w = width
		}
		tile := tlog.Tile{H: tileHeight, L: -1, N: start / width, W: int(w)}
		bundle, err := fetch(base, "log/"+c2spPath(tile))
		if err != nil {
			return "", err
		}
		list, err := entries(bundle)
		if err != nil {
			return "", fmt.Errorf("entries %d..: %v", start, err)
		}
		if int64(len(list)) != w {
			return "", fmt.Errorf("entry bundle at %d has %d entries, want %d", start, len(list), w)
		}
		indexes := make([]int64, w)
		for i := range indexes {
			indexes[i] = tlog.StoredHashIndex(0, start+int64(i))
		}
		leaves, err := hashes.ReadHashes(indexes)
		if err != nil {
			return "", fmt.Errorf("leaf hashes at %d: %v", start, err)
		}
		for i, e := range list {
			if tlog.RecordHash(e) != leaves[i] {
				return "", fmt.Errorf("entry %d does not hash to its leaf", start+int64(i))
			}
		}
	}
	summary := fmt.Sprintf("OK %s: %d entries, root %s", cp.origin, size, cp.tree.Hash)

	if event != "" {
		body, err := fetch(base, "api/v1/log/events/"+event)
		if err != nil {
			return "", err
		}
		var inc inclusion
		if err := json.NewDecoder(bytes.NewReader(body)).Decode(&inc); err != nil {
			return "", fmt.Errorf("inclusion proof: %v", err)
		}
		if inc.EventID != event {
			return "", fmt.Errorf("asked for event %s, got %s", event, inc.EventID)
		}
		var proof tlog.RecordProof
		for _, p := range inc.Proof {
			h, err := tlog.ParseHash(p)
			if err != nil {
				return "", fmt.Errorf("malformed proof hash %q", p)
			}
			proof = append(proof, h)
		}
		// Checked against the root this program verified, not the one the JSON names.
		if inc.Checkpoint.Size != size || inc.Checkpoint.RootHash != base64.StdEncoding.EncodeToString(cp.tree.Hash[:]) {
			return "", fmt.Errorf("inclusion proof is against size %d, the verified checkpoint has %d", inc.Checkpoint.Size, size)
		}
		if err := tlog.CheckRecord(proof, size, cp.tree.Hash, inc.Index, tlog.RecordHash([]byte(inc.Entry))); err != nil {
			return "", fmt.Errorf("inclusion of event %s: %v", event, err)
		}
		summary += fmt.Sprintf("\nOK event %s is entry %d: %s", event, inc.Index, inc.Entry)
	}
	return summary, nil
}

func main() {
	base := flag.String("url", "", "base URL of the Multitude instance")
	key := flag.String("key", "", "pinned note verifier key (default: read /log/key)")
	event := flag.String("event", "", "also verify the inclusion proof of this event id")
	flag.Parse()
	if *base == "" {
		fmt.Fprintln(os.Stderr, "usage: go-verifier -url <base-url> [-key <verifier key>] [-event <event id>]")
		os.Exit(2)
	}
	out, err := verify(*base, *key, *event)
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		if _, ok := err.(usageError); ok {
			os.Exit(2)
		}
		os.Exit(1)
	}
	fmt.Println(out)
}
