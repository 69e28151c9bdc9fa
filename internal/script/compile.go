package script

import (
	"errors"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// concatName is the hidden local that holds the concatenation function in
// compiled code: a name no Lua source can spell, so scripts cannot see or
// shadow it.
const concatName = "(concat)"

// compile turns source into a function prototype shared by every Lua state.
//
// The prototype is a wrapper chunk: it takes the concatenation function as
// its argument and returns the script's own function,
//
//	local (concat) = ...
//	return function(...) <the script, with a .. b as (concat)(a, b)> end
//
// so that every concatenation formats numbers as Lua 5.1 does (see
// numfmt.go) while line numbers stay the script's own. name is the chunk
// name as errors print it ("user_script").
func compile(source, name string) (*lua.FunctionProto, error) {
	chunk, err := parse.Parse(strings.NewReader(source), name)
	if err != nil {
		return nil, syntaxError(err, name, source)
	}
	rewriteStmts(chunk)
	last := strings.Count(source, "\n") + 1
	fn := &ast.FunctionExpr{ParList: &ast.ParList{HasVargs: true}, Stmts: chunk}
	fn.SetLine(1)
	fn.SetLastLine(last)
	local := &ast.LocalAssignStmt{Names: []string{concatName}, Exprs: []ast.Expr{&ast.Comma3Expr{}}}
	local.SetLine(1)
	local.SetLastLine(1)
	ret := &ast.ReturnStmt{Exprs: []ast.Expr{fn}}
	ret.SetLine(1)
	ret.SetLastLine(last)
	proto, err := lua.Compile([]ast.Stmt{local, ret}, name)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: %s", name, compileLine(err), compileMsg(err))
	}
	// The script function is a nested vararg function, which gopher-lua
	// (as Lua 5.1 with LUA_COMPAT_VARARG) gives an "arg" table of its
	// arguments on every call unless its body uses "...". Lua 5.1 never
	// does that for a main chunk, which is what a script is in Redis: the
	// table is not built (it cost a Go map per run), and the local "arg"
	// the compiler reserved stays nil.
	proto.FunctionPrototypes[0].IsVarArg &^= lua.VarArgNeedsArg
	return proto, nil
}

func compileLine(err error) int {
	var ce *lua.CompileError
	if errors.As(err, &ce) {
		return ce.Line
	}
	return 0
}

func compileMsg(err error) string {
	var ce *lua.CompileError
	if errors.As(err, &ce) {
		return ce.Message
	}
	return err.Error()
}

// syntaxError renders a parse error in Lua 5.1's form,
// "user_script:1: <message> near '<token>'".
func syntaxError(err error, name, source string) error {
	var pe *parse.Error
	if !errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", name, err)
	}
	msg := pe.Message
	if msg == "syntax error" {
		msg = "unexpected symbol"
	}
	if pe.Pos.Line == parse.EOF {
		return fmt.Errorf("%s:%d: %s near '<eof>'", name, strings.Count(source, "\n")+1, msg)
	}
	return fmt.Errorf("%s:%d: %s near '%s'", name, pe.Pos.Line, msg, pe.Token)
}

func rewriteStmts(stmts []ast.Stmt) {
	for _, s := range stmts {
		rewriteStmt(s)
	}
}

func rewriteStmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		rewriteExprs(s.Lhs)
		rewriteExprs(s.Rhs)
	case *ast.LocalAssignStmt:
		rewriteExprs(s.Exprs)
	case *ast.FuncCallStmt:
		s.Expr = rewriteExpr(s.Expr)
	case *ast.DoBlockStmt:
		rewriteStmts(s.Stmts)
	case *ast.WhileStmt:
		s.Condition = rewriteExpr(s.Condition)
		rewriteStmts(s.Stmts)
	case *ast.RepeatStmt:
		s.Condition = rewriteExpr(s.Condition)
		rewriteStmts(s.Stmts)
	case *ast.IfStmt:
		s.Condition = rewriteExpr(s.Condition)
		rewriteStmts(s.Then)
		rewriteStmts(s.Else)
	case *ast.NumberForStmt:
		s.Init = rewriteExpr(s.Init)
		s.Limit = rewriteExpr(s.Limit)
		if s.Step != nil {
			s.Step = rewriteExpr(s.Step)
		}
		rewriteStmts(s.Stmts)
	case *ast.GenericForStmt:
		rewriteExprs(s.Exprs)
		rewriteStmts(s.Stmts)
	case *ast.FuncDefStmt:
		if s.Name != nil {
			if s.Name.Func != nil {
				s.Name.Func = rewriteExpr(s.Name.Func)
			}
			if s.Name.Receiver != nil {
				s.Name.Receiver = rewriteExpr(s.Name.Receiver)
			}
		}
		rewriteStmts(s.Func.Stmts)
	case *ast.ReturnStmt:
		rewriteExprs(s.Exprs)
	}
}

func rewriteExprs(es []ast.Expr) {
	for i, e := range es {
		es[i] = rewriteExpr(e)
	}
}

func rewriteExpr(e ast.Expr) ast.Expr {
	switch x := e.(type) {
	case *ast.StringConcatOpExpr:
		call := &ast.FuncCallExpr{
			Func:      &ast.IdentExpr{Value: concatName},
			Args:      []ast.Expr{rewriteExpr(x.Lhs), rewriteExpr(x.Rhs)},
			AdjustRet: true,
		}
		call.Func.SetLine(x.Line())
		call.Func.SetLastLine(x.LastLine())
		call.SetLine(x.Line())
		call.SetLastLine(x.LastLine())
		return call
	case *ast.AttrGetExpr:
		x.Object = rewriteExpr(x.Object)
		x.Key = rewriteExpr(x.Key)
	case *ast.TableExpr:
		for _, f := range x.Fields {
			if f.Key != nil {
				f.Key = rewriteExpr(f.Key)
			}
			f.Value = rewriteExpr(f.Value)
		}
	case *ast.FuncCallExpr:
		if x.Func != nil {
			x.Func = rewriteExpr(x.Func)
		}
		if x.Receiver != nil {
			x.Receiver = rewriteExpr(x.Receiver)
		}
		rewriteExprs(x.Args)
	case *ast.LogicalOpExpr:
		x.Lhs, x.Rhs = rewriteExpr(x.Lhs), rewriteExpr(x.Rhs)
	case *ast.RelationalOpExpr:
		x.Lhs, x.Rhs = rewriteExpr(x.Lhs), rewriteExpr(x.Rhs)
	case *ast.ArithmeticOpExpr:
		x.Lhs, x.Rhs = rewriteExpr(x.Lhs), rewriteExpr(x.Rhs)
	case *ast.UnaryMinusOpExpr:
		x.Expr = rewriteExpr(x.Expr)
	case *ast.UnaryNotOpExpr:
		x.Expr = rewriteExpr(x.Expr)
	case *ast.UnaryLenOpExpr:
		x.Expr = rewriteExpr(x.Expr)
	case *ast.FunctionExpr:
		rewriteStmts(x.Stmts)
	}
	return e
}
