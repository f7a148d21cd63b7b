namespace Nagare.Templating.Ast;

internal interface IStatementVisitor
{
    Flow VisitTextStmt(TextStmt node);
    Flow VisitOutputStmt(OutputStmt node);
    Flow VisitIfStmt(IfStmt node);
    Flow VisitForStmt(ForStmt node);
    Flow VisitMacroStmt(MacroStmt node);
    Flow VisitCallBlockStmt(CallBlockStmt node);
    Flow VisitFilterBlockStmt(FilterBlockStmt node);
    Flow VisitWithStmt(WithStmt node);
    Flow VisitSetStmt(SetStmt node);
    Flow VisitSetBlockStmt(SetBlockStmt node);
    Flow VisitDoStmt(DoStmt node);
    Flow VisitBreakStmt(BreakStmt node);
    Flow VisitContinueStmt(ContinueStmt node);
    Flow VisitBlockStmt(BlockStmt node);
}
