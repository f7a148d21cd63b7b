namespace Nagare.Templating.Ast;

internal interface IExpressionVisitor<T>
{
    T VisitConstExpr(ConstExpr node);
    T VisitNameExpr(NameExpr node);
    T VisitListExpr(ListExpr node);
    T VisitTupleExpr(TupleExpr node);
    T VisitDictExpr(DictExpr node);
    T VisitGetattrExpr(GetattrExpr node);
    T VisitGetitemExpr(GetitemExpr node);
    T VisitSliceExpr(SliceExpr node);
    T VisitUnaryExpr(UnaryExpr node);
    T VisitBinaryExpr(BinaryExpr node);
    T VisitConcatExpr(ConcatExpr node);
    T VisitCompareExpr(CompareExpr node);
    T VisitCondExpr(CondExpr node);
    T VisitCallExpr(CallExpr node);
    T VisitFilterExpr(FilterExpr node);
    T VisitTestExpr(TestExpr node);
    T VisitNamespaceRefExpr(NamespaceRefExpr node);
}
