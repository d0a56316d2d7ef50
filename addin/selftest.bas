Attribute VB_Name = "SelfTest"
Option Explicit

' Only in the build made with --selftest, for the LibreOffice test: it proves that the VBA project
' the build writes is loaded, compiled and run. It computes a sum and reads the config sheet the way
' the xlwings module does (keys in column A from A1 down, upper-cased; values in column B), and
' writes both into column E, which the xlwings module never reads.
Public Sub Run()
    Dim i As Long, total As Long
    For i = 1 To 10
        total = total + i
    Next i
    With ThisWorkbook.Worksheets(1)
        .Range("E1").Value = "selftest:" & CStr(total)
        .Range("E2").Value = "ADD_WORKBOOK_TO_PYTHONPATH=" & ConfigValue("ADD_WORKBOOK_TO_PYTHONPATH")
        .Range("E3").Value = "UDF MODULES=" & ConfigValue("UDF MODULES")
    End With
End Sub

Private Function ConfigValue(key As String) As String
    Dim r As Long
    r = 1
    With ThisWorkbook.Worksheets(1)
        Do While CStr(.Cells(r, 1).Value) <> ""
            If UCase(CStr(.Cells(r, 1).Value)) = key Then
                ConfigValue = CStr(.Cells(r, 2).Value)
                Exit Function
            End If
            r = r + 1
        Loop
    End With
    ConfigValue = "<missing>"
End Function
