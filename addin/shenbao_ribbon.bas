Attribute VB_Name = "shenbao_ribbon"
Option Explicit

' The only ribbon callback. Every button in customUI14.xml has onAction="OnAction"; the button's id
' goes to Python (macros_py.addin.ribbon.dispatch), which decides what to do. Adding a button therefore
' needs no VBA. Messages for the user come from Python, never from here: VBA source is stored in an
' ANSI code page, Python and the ribbon XML are Unicode.
Public Sub OnAction(control As IRibbonControl)
    RunPython "import macros_py.addin.ribbon as a; a.dispatch('" & control.Id & "')"
End Sub
