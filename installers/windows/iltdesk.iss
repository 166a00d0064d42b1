; Inno Setup script: a per-user installer for the one-folder bundle (no administrator rights).
;   python installers/package.py                       -> dist\iltdesk\
;   iscc /DAppVersion=0.1.0 installers\windows\iltdesk.iss  -> dist\iltdesk-0.1.0-setup.exe
; The version comes from the package metadata (the CI passes `importlib.metadata.version`).
; The user's data lives in %LOCALAPPDATA%\ILT Desk, never in the install folder: upgrading
; installs over the old version and the app migrates the database after a backup.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define Root AddBackslash(SourcePath) + "..\..\"

[Setup]
AppId={{7C1E8E2A-6F3B-4E7D-9B3A-1D2C3E4F5A6B}
AppName=ILT Desk
AppVersion={#AppVersion}
AppVerName=ILT Desk {#AppVersion}
AppPublisher=ILT Desk
DefaultDirName={localappdata}\Programs\ILT Desk
DefaultGroupName=ILT Desk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir={#Root}dist
OutputBaseFilename=iltdesk-{#AppVersion}-setup
SetupIconFile={#Root}build\package\icons\iltdesk.ico
UninstallDisplayIcon={app}\iltdesk.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
LicenseFile={#Root}installers\LICENSE.txt
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "german"; MessagesFile: "compiler:Languages\German.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Root}dist\iltdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; Files of an older version that the new one no longer ships.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\ILT Desk"; Filename: "{app}\iltdesk.exe"
Name: "{autodesktop}\ILT Desk"; Filename: "{app}\iltdesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\iltdesk.exe"; Description: "{cm:LaunchProgram,ILT Desk}"; Flags: nowait postinstall skipifsilent
