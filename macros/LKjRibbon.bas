Attribute VB_Name = "LKjRibbon"
' LKjRibbon - callbacks of the "LKj" ribbon tab (customUI/customUI14.xml) of LKj_Tracker.xlsm.
'
' Every ribbon button calls LKj_OnAction; the button's Tag is the action name. Only the
' action names in LKJ_ACTIONS run: the command given to RunPython (module xlwings) is built
' from that whitelisted name alone, never from cell content. The Python side is
' lkj_xl.ribbon.dispatch(action). LKJ_ACTIONS must equal lkj_xl.workbook.commands.RIBBON_ACTIONS
' (tests/test_xlsm.py checks it). A new button for an action already listed needs no change here.
' User-facing messages are Indonesian.
Option Explicit

Private Const LKJ_ACTIONS As String = "|validate|refresh|report|check_system|guide|problems|"
Private Const LKJ_TITLE As String = "LKj Tracker"
Private Const LKJ_BUSY As String = "LKj: sedang memproses, mohon tunggu..."

Public Sub LKj_OnAction(control As IRibbonControl)
    Dim action As String

    action = control.Tag
    If Not LKj_IsKnownAction(action) Then
        MsgBox "Tombol ini belum dikenal oleh LKj Tracker, sehingga tidak ada yang dijalankan." & vbCrLf & _
               "Hubungi pengelola buku kerja ini.", vbExclamation, LKJ_TITLE
        Exit Sub
    End If

    On Error GoTo Gagal
    Application.Cursor = xlWait
    Application.StatusBar = LKJ_BUSY
    RunPython "import lkj_xl.ribbon as r; r.dispatch('" & action & "')"
    LKj_Restore
    Exit Sub

Gagal:
    LKj_Restore
    MsgBox "Perintah tidak dapat dijalankan." & vbCrLf & _
           "Keterangan: " & Err.Description & vbCrLf & vbCrLf & _
           "Coba tombol 'Cek Sistem' pada tab LKj, atau hubungi pengelola buku kerja ini.", _
           vbCritical, LKJ_TITLE
End Sub

' True only for an action listed in LKJ_ACTIONS (exact, case-sensitive match).
Private Function LKj_IsKnownAction(ByVal action As String) As Boolean
    Dim names() As String
    Dim i As Long

    LKj_IsKnownAction = False
    If Len(action) = 0 Then Exit Function
    names = Split(Mid$(LKJ_ACTIONS, 2, Len(LKJ_ACTIONS) - 2), "|")
    For i = LBound(names) To UBound(names)
        If StrComp(names(i), action, vbBinaryCompare) = 0 Then
            LKj_IsKnownAction = True
            Exit Function
        End If
    Next i
End Function

' Give the cursor back and clear our status text, keeping any message Python left there.
Private Sub LKj_Restore()
    On Error Resume Next
    Application.Cursor = xlDefault
    If VarType(Application.StatusBar) = vbString Then
        If Application.StatusBar = LKJ_BUSY Then Application.StatusBar = False
    End If
End Sub
