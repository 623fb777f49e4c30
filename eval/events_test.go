package eval

import (
	"context"
	"reflect"
	"testing"
)

func TestKAIROSPLOVER(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Conflict.Attack.DetonateExplode", []string{"ASSAULT", "FIGHT"}},
		{"Contact.Contact.Meet", []string{"CONSULT"}},
		{"Contact.Contact.Broadcast", nil},
		{"Justice.ArrestJailDetain.Unspecified", []string{"COERCE"}},
		{"Movement.Transportation.Unspecified", nil},
	} {
		if got := KAIROSPLOVER(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("KAIROSPLOVER(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestScorePLOVER(t *testing.T) {
	recs := []PloverRecord{
		{ID: "1", Event: "FIGHT", EventText: "shelled", Text: "Rebels shelled Juba.", Sources: []string{"Rebels"}, Targets: []string{"Juba"}},
		{ID: "2", Event: "AGREE", EventText: "agreed", Text: "Jordan agreed to talks.", Sources: []string{"Jordan"}},
		{ID: "3", Event: "REJECT", EventText: "refused", Text: "Nothing here."},
	}
	res, err := ScorePLOVER(context.Background(), recs, func(_ context.Context, name, txt string) ([]EventPred, error) {
		switch name {
		case "1":
			return []EventPred{{Type: "FIGHT", Trigger: [2]int{7, 14}, Source: [2]int{0, 6}, Target: [2]int{15, 19}}}, nil
		case "2":
			return []EventPred{{Type: "CONSULT", Trigger: [2]int{16, 21}, Source: [2]int{0, 6}}}, nil
		}
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.TypeAccuracy != 1.0/3 {
		t.Errorf("type accuracy %v, want 1/3", res.TypeAccuracy)
	}
	// triggers: 1 right, 2 wrong ("talks" is not in "agreed"), 3 missing
	if res.Trigger.TP != 1 || res.Trigger.FP != 1 || res.Trigger.FN != 2 {
		t.Errorf("trigger counts %+v", res.Trigger)
	}
	if res.Source.TP != 2 || res.Source.FN != 0 || res.Target.TP != 1 {
		t.Errorf("source %+v target %+v", *res.Source, *res.Target)
	}
}
