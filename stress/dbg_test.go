package stress

import (
	"os"
	"strings"
	"testing"

	"github.com/anishathalye/porcupine"
)

func TestDbgPartial(t *testing.T) {
	h, err := loadHistory(os.Getenv("DBG_H"))
	if err != nil {
		t.Skip()
	}
	obj := os.Getenv("DBG_OBJ")
	var ops []Op
	for _, op := range h.Ops {
		if op.Obj == obj {
			ops = append(ops, op)
		}
	}
	m := model(h.Init)
	res, info := porcupine.CheckOperationsVerbose(m, operations(ops), 0)
	t.Logf("result %v", res)
	best := []porcupine.Operation{}
	for _, part := range info.PartialLinearizationsOperations() {
		for _, l := range part {
			if len(l) > len(best) {
				best = l
			}
		}
	}
	st := []any{kstate{T: tInit}}
	for _, o := range best {
		op := o.Input.(*Op)
		var next []any
		for _, s := range st {
			next = append(next, step(h.Init, s.(kstate), op)...)
		}
		st = next
		t.Logf("%v -> %s   states=%v", strings.Join(op.Args, " "), op.Reply, st)
	}
	t.Logf("longest %d of %d", len(best), len(ops))
}

func TestDbgList(t *testing.T) {
	h, err := loadHistory(os.Getenv("DBG_H"))
	if err != nil {
		t.Skip()
	}
	t.Log(describeObject(h, os.Getenv("DBG_OBJ"), 1000))
	t.Log(h.Started.UnixMilli())
}

func TestDbgSlow(t *testing.T) {
	h, err := loadHistory(os.Getenv("DBG_H"))
	if err != nil {
		t.Skip()
	}
	var slow []Op
	maxRet := int64(0)
	for _, op := range h.Ops {
		if op.Return-op.Call > 50e6 {
			slow = append(slow, op)
		}
		if op.Client < 8 && op.Return > maxRet {
			maxRet = op.Return
		}
	}
	for _, op := range slow {
		t.Logf("w%d %.1fms..%.1fms %v %s", op.Client, float64(op.Call)/1e6, float64(op.Return)/1e6, op.Args, op.Reply)
	}
	t.Logf("max worker return %.1fms, ops %d", float64(maxRet)/1e6, len(h.Ops))
}
