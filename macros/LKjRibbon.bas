Attribute VB_Name = "LKjRibbon"
' LKjRibbon - callbacks of the "LKj" ribbon tab (customUI/customUI14.xml) of LKj_Tracker.xlsm.
'
' Every ribbon button calls LKj_OnAction; the button's Tag is the action name. Only the
' action names in LKJ_ACTIONS run. Routing (tests/test_xlsm.py checks it):
'   * the actions in LKJ_VBA_ACTIONS ("guide", "problems") run here in VBA alone, so Panduan
'     and Daftar Masalah work on a PC without Python;
'   * "close_cycle" first asks for confirmation (Ya/Tidak, Tidak by default);
'   * "check_system" first checks from VBA that the interpreter xlwings will use exists and
'     runs lkj_xl (LKj_PythonReady); only then it goes on to Python like the others;
'   * every other action goes to RunPython (module xlwings). The command is built from the
'     whitelisted name alone, never from cell content; the Python side is
'     lkj_xl.ribbon.dispatch(action). The command first drops "" and "." from sys.path (python -c
'     and xlwings' prepare_sys_path with an empty PYTHONPATH put the current folder there), so a
'     stray lkj_xl folder in Excel's current folder can never shadow the installed package.
' LKJ_ACTIONS must equal lkj_xl.workbook.commands.RIBBON_ACTIONS. A new button for an action
' already listed needs no change here. User-facing messages are Indonesian.
Option Explicit

Private Const LKJ_ACTIONS As String = "|validate|refresh|report|close_cycle|reminders|check_system|guide|problems|"
Private Const LKJ_VBA_ACTIONS As String = "|guide|problems|"
Private Const LKJ_TITLE As String = "Pelacak LKj"
Private Const LKJ_BUSY As String = "LKj: sedang memproses, mohon tunggu..."
Private Const LKJ_HOME_SHEET As String = "Beranda"
Private Const LKJ_PROBLEMS_SHEET As String = "Masalah"

Public Sub LKj_OnAction(control As IRibbonControl)
    Dim action As String

    action = control.Tag
    If Not LKj_IsKnownAction(action) Then
        MsgBox "Tombol ini belum dikenal oleh Pelacak LKj, sehingga tidak ada yang dijalankan." & vbCrLf & _
               "Hubungi pengelola buku kerja ini.", vbExclamation, LKJ_TITLE
        Exit Sub
    End If

    Select Case action
        Case "guide"
            LKj_ShowGuide
            Exit Sub
        Case "problems"
            LKj_ShowProblems
            Exit Sub
        Case "check_system"
            If Not LKj_PythonReady() Then Exit Sub
        Case "close_cycle"
            If MsgBox("Tutup siklus tahun pelaporan pada lembar Pengaturan? (SOP yang tidak tahunan: periode " & _
                      "terakhir yang sudah terkirim dan belum ditutup.)" & vbCrLf & vbCrLf & _
                      "Kolom terhitung siklus itu tidak akan dihitung ulang lagi, dan laporannya disimpan " & _
                      "sebagai berkas tersendiri di samping buku kerja ini. Lakukan setelah LKj terkirim " & _
                      "dan laporannya ditandatangani.", vbYesNo + vbQuestion + vbDefaultButton2, LKJ_TITLE) <> vbYes Then
                Exit Sub
            End If
    End Select

    On Error GoTo Gagal
    Application.Cursor = xlWait
    Application.StatusBar = LKJ_BUSY
    RunPython "import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; import lkj_xl.ribbon as r; r.dispatch('" & action & "')"
    LKj_Restore
    Exit Sub

Gagal:
    LKj_Restore
    MsgBox "Perintah tidak dapat dijalankan." & vbCrLf & _
           "Keterangan: " & Err.Description & vbCrLf & vbCrLf & _
           "Coba tombol 'Cek Sistem' pada tab LKj, atau hubungi pengelola buku kerja ini.", _
           vbCritical, LKJ_TITLE
End Sub

' Panduan: the short guide (the same text as lkj_xl.ribbon.GUIDE_TEXT), over the Beranda sheet. No Python.
Public Sub LKj_ShowGuide()
    On Error Resume Next
    ThisWorkbook.Worksheets(LKJ_HOME_SHEET).Activate
    On Error GoTo 0
    MsgBox LKj_GuideText(), vbInformation, LKJ_TITLE
End Sub

' Daftar Masalah: activate the Masalah sheet. No Python.
Public Sub LKj_ShowProblems()
    Dim sheet As Object

    On Error Resume Next
    Set sheet = ThisWorkbook.Worksheets(LKJ_PROBLEMS_SHEET)
    On Error GoTo 0
    If sheet Is Nothing Then
        MsgBox "Lembar """ & LKJ_PROBLEMS_SHEET & """ tidak ada di buku kerja ini. Klik Cek Sistem untuk " & _
               "melihat apa yang perlu diperbaiki.", vbExclamation, LKJ_TITLE
        Exit Sub
    End If
    sheet.Visible = xlSheetVisible
    sheet.Activate
End Sub

' Cek Sistem, first half (VBA): does the interpreter xlwings will use (GetConfig, the same lookup as
' RunPython: xlwings.conf sheet, then the file beside the workbook, then %USERPROFILE%\.xlwings)
' exist, and does it import lkj_xl and xlwings? If not, say to run "lkj pasang".
Private Function LKj_PythonReady() As Boolean
    Dim interpreter As String
    Dim exitCode As Long

    LKj_PythonReady = False
    #If Mac Then
        interpreter = GetConfig("INTERPRETER_MAC", "")
    #Else
        interpreter = GetConfig("INTERPRETER_WIN", "")
    #End If
    If interpreter = "" Then interpreter = GetConfig("INTERPRETER", "python")
    #If Mac Then
        LKj_PythonReady = True
        Exit Function
    #End If

    If interpreter <> "python" And interpreter <> "pythonw" Then
        If Not FileExists(interpreter) Then
            MsgBox "Python tidak ditemukan di:" & vbCrLf & interpreter & vbCrLf & vbCrLf & _
                   LKj_SetupHint(), vbCritical, LKJ_TITLE
            Exit Function
        End If
        interpreter = Chr(34) & interpreter & Chr(34)
    Else
        interpreter = "python"
    End If

    On Error GoTo TidakJalan
    exitCode = CreateObject("WScript.Shell").Run(interpreter & " -B -c ""import lkj_xl.ribbon, xlwings""", 0, True)
    On Error GoTo 0
    If exitCode <> 0 Then
        MsgBox "Python ditemukan (" & interpreter & "), tetapi paket lkj-xl atau xlwings tidak dapat " & _
               "dimuat (kode keluar " & exitCode & ")." & vbCrLf & vbCrLf & LKj_SetupHint(), vbCritical, LKJ_TITLE
        Exit Function
    End If
    LKj_PythonReady = True
    Exit Function

TidakJalan:
    MsgBox "Python tidak dapat dijalankan (" & interpreter & "): " & Err.Description & vbCrLf & vbCrLf & _
           LKj_SetupHint(), vbCritical, LKJ_TITLE
End Function

Private Function LKj_SetupHint() As String
    LKj_SetupHint = "Cara memperbaiki: buka Command Prompt di komputer ini, pasang paket lkj-xl (lihat README), " & _
                    "lalu jalankan sekali:" & vbCrLf & "    lkj pasang" & vbCrLf & _
                    "Setelah itu tutup Excel, buka kembali buku kerja ini dan klik Cek Sistem lagi. Bila Python " & _
                    "tetap tidak dapat dijalankan, minta TI mengizinkan aturan Windows Defender ""Block Office " & _
                    "applications from creating child processes"" untuk komputer ini."
End Function

' The text of Panduan: equal to lkj_xl.ribbon.GUIDE_TEXT (tests/test_xlsm.py checks it).
Private Function LKj_GuideText() As String
    Dim t As String
    t = t & "Panduan singkat Pelacak LKj (SOP 3.1.2.6 Penyusunan LKj)" & vbLf
    t = t & "" & vbLf
    t = t & "1. Sekali di awal: periksa lembar Pengaturan (tahun pelaporan, instansi, jam kerja), Hari "
    t = t & "Libur dan Pegawai (nama, NIP, jabatan sesuai SOP)." & vbLf
    t = t & "2. Setiap langkah SOP punya lembar ""Langkah N"". Saat berkas diterima, isi satu baris: "
    t = t & "Tahun, Diterima (tanggal dan jam), Pelaksana. Saat selesai, isi Selesai, Nomor Output dan "
    t = t & "Catatan bila ada." & vbLf
    t = t & "3. Klik Validasi untuk memeriksa isian. Setiap masalah dicatat di lembar Masalah; klik "
    t = t & """Buka"" pada barisnya untuk menuju sel yang perlu diperbaiki (tombol Daftar Masalah membuka"
    t = t & " lembar itu)." & vbLf
    t = t & "4. Klik Hitung Batas Waktu untuk memperbarui batas waktu, status, keterlambatan dan "
    t = t & "Beranda." & vbLf
    t = t & "5. Klik Buat Laporan untuk mengisi lembar Laporan, lalu periksa dan cetak." & vbLf
    t = t & "6. Bila tombol tidak bekerja, klik Cek Sistem." & vbLf
    t = t & "" & vbLf
    t = t & "Kolom di bawah tulisan ""dihitung otomatis"" diisi oleh tombol; jangan diketik. Setelah "
    t = t & "menekan tombol, simpan buku kerja seperti biasa (Ctrl+S)."
    LKj_GuideText = t
End Function

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
