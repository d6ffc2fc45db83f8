package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// parsePages parses every page template with the layout.
func parsePages(funcs template.FuncMap) map[string]*template.Template {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		pages[base] = template.Must(template.New(base).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", name))
	}
	return pages
}

// assets serves the static files under names that carry a hash of their
// content (app.3f2a1b9c.css), so they can be cached for a year and a new
// version is a new name.
type assets struct {
	byName map[string]string // app.css -> app.3f2a1b9c.css
	files  map[string]asset  // app.3f2a1b9c.css -> content
}

type asset struct {
	body  []byte
	ctype string
}

func loadAssets() *assets {
	a := &assets{byName: map[string]string{}, files: map[string]asset{}}
	entries, err := fs.ReadDir(staticFiles, "static")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		body, err := staticFiles.ReadFile("static/" + e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(e.Name())
		hashed := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:4]) + ext
		a.byName[e.Name()] = hashed
		a.files[hashed] = asset{body: body, ctype: mime.TypeByExtension(ext)}
	}
	return a
}

// url returns the path of a static file by its plain name.
func (a *assets) url(name string) string {
	hashed, ok := a.byName[name]
	if !ok {
		panic("web: no static file " + name)
	}
	return "/static/" + hashed
}

func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(f.body)
}
