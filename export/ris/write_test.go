package ris

import (
	"strings"
	"testing"

	"github.com/annals/annals/export/csljson"
)

func TestRecord(t *testing.T) {
	it := csljson.Item{ID: "lab", Type: "speech", Title: "中俄人工智能联合实验室\nline two",
		Author: []csljson.Name{{Family: "张", Given: "天"}}, Issued: csljson.ParseDate("2025-06"),
		EventTitle: "Conference", EventPlace: "Jinan", Page: "3-9", Keyword: "AI, 人工智能"}
	got := Record(it)
	want := "TY  - CONF\nID  - lab\nTI  - 中俄人工智能联合实验室 line two\nAU  - 张, 天\nPY  - 2025\nDA  - 2025/06//\n" +
		"T2  - Conference\nCY  - Jinan\nSP  - 3\nEP  - 9\nKW  - AI\nKW  - 人工智能\nER  - \n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if strings.Count(Record(csljson.Item{ID: "x", Type: "report"}), "\n") != 3 {
		t.Error("an empty item has more than TY, ID and ER")
	}
}
