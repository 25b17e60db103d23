; Inno Setup script: per-machine Windows installer around PyInstaller's dist\RxDesk folder.
;   pyinstaller installer\rxdesk.spec --noconfirm
;   iscc installer\rxdesk.iss
#define AppVersion GetEnv("RXDESK_VERSION")
#if AppVersion == ""
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6F0C9B51-8C1E-4E55-9E2B-3D7A2B1F4C10}
AppName=RxDesk
AppVersion={#AppVersion}
AppPublisher=RxDesk contributors
DefaultDirName={autopf}\RxDesk
DefaultGroupName=RxDesk
OutputBaseFilename=RxDesk-{#AppVersion}-setup
SetupIconFile=..\resources\icons\rxdesk.ico
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible

[Files]
Source: "..\dist\RxDesk\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\RxDesk"; Filename: "{app}\RxDesk.exe"
Name: "{group}\RxDesk (demo database)"; Filename: "{app}\RxDesk.exe"; Parameters: "--demo"
Name: "{autodesktop}\RxDesk"; Filename: "{app}\RxDesk.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\RxDesk.exe"; Description: "Start RxDesk"; Flags: nowait postinstall skipifsilent
