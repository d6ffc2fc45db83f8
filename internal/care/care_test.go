package care

import (
	"testing"

	"knead/internal/clinic"
)

// Every modality knead accepts is described, once, and every region suits
// only known modalities: a new slug cannot reach the pages undescribed.
func TestCatalogIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range Modalities {
		if seen[m.Slug] || m.Name == "" || m.What == "" || m.For == "" {
			t.Errorf("modality %q: duplicate or incomplete: %+v", m.Slug, m)
		}
		seen[m.Slug] = true
	}
	for _, slug := range clinic.Modalities {
		if _, ok := ModalityOf(slug); !ok {
			t.Errorf("modality %q has no description", slug)
		}
	}
	if len(seen) != len(clinic.Modalities) {
		t.Errorf("%d descriptions for %d modalities", len(seen), len(clinic.Modalities))
	}
	for _, r := range Regions {
		if len(r.Modalities) == 0 {
			t.Errorf("region %s suits nothing", r.Slug)
		}
		for _, m := range r.Modalities {
			if !clinic.IsModality(m) {
				t.Errorf("region %s suits unknown modality %q", r.Slug, m)
			}
		}
	}
}

func TestRegionSuits(t *testing.T) {
	tests := []struct {
		region, modality string
		want             bool
	}{
		{"leg-radiating", "sciatica-release", true},
		{"leg-radiating", "swedish", false},
		{"upper-back", "hot-stone", true},
		{"lower-back", "deep-tissue", true},
		{"lower-back", "thai", false},
	}
	for _, tc := range tests {
		r, ok := RegionOf(tc.region)
		if !ok {
			t.Fatalf("no region %s", tc.region)
		}
		if got := r.Suits(tc.modality); got != tc.want {
			t.Errorf("%s suits %s = %v, want %v", tc.region, tc.modality, got, tc.want)
		}
	}
	if _, ok := RegionOf("elbow"); ok {
		t.Error("unknown region found")
	}
}
