package search

import (
	"slices"
	"testing"
)

func TestLatinForms(t *testing.T) {
	for _, tc := range []struct {
		word string
		want []string
	}{
		{"Алдошин", []string{"aldoshin", "aldosin"}},
		{"Гусаков", []string{"gusakov"}},
		{"Петровић", []string{"petrovic"}},
		{"Чернов", []string{"chernov", "cernov"}},
		{"Қасымов", []string{"qasymov", "kasymov"}},
		{"张天", []string{"zhang tian", "zhangtian"}},
		{"孙", []string{"sun"}},
		{"Aldoshin", nil},
	} {
		if got := LatinForms(tc.word); !slices.Equal(got, tc.want) {
			t.Errorf("LatinForms(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestLatinize(t *testing.T) {
	got := Latinize("Дудик Александр Михайлович, Belarus")
	want := "dudik aleksandr mikhaylovich mihajlovic"
	if got != want {
		t.Errorf("Latinize = %q, want %q", got, want)
	}
}
