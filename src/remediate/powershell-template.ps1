# The fixed part of every PowerShell remediation script written by cowork-audit
# (src/remediate/powershell-writer.ts). Generated step lines replace the STEPS marker and only call the
# functions below with single-quoted (verbatim) arguments. Dry run unless -Apply; every step reads the
# current state before it changes anything. $TargetKind and $ReportHost are set by the generated header.
Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'

$script:Changes = 0
$script:Refused = 0

function Write-Note([string]$Text) { Write-Output "  $Text" }
function Write-Refusal([string]$Text) { $script:Refused++; Write-Warning "REFUSED: $Text" }
function ConvertTo-Literal([string]$Value) { "'" + $Value.Replace("'", "''") + "'" }

if ($TargetKind -eq 'root' -or $TargetKind -eq 'repo') {
  Write-Error "this report is of an offline $TargetKind; fix it with remediate.sh --root DIR"
  exit 2
}
if (-not $Force -and $ReportHost -and ($env:COMPUTERNAME -ne $ReportHost)) {
  Write-Error "this report was made on $ReportHost, not $($env:COMPUTERNAME): refusing (use -Force to override)"
  exit 2
}

if ($Apply) {
  if (-not $Rollback) { $Rollback = Join-Path (Get-Location) ("cowork-audit-rollback-{0}.ps1" -f (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ')) }
  Set-Content -LiteralPath $Rollback -Encoding UTF8 -Value @(
    '# Rollback written by a cowork-audit remediation script: restores the security descriptors, registry values and firewall settings it changed.',
    'function Restore-Sddl([string]$Path, [string]$Sddl) { $a = Get-Acl -LiteralPath $Path; $a.SetSecurityDescriptorSddlForm($Sddl); Set-Acl -LiteralPath $Path -AclObject $a }'
  )
  Write-Output "mode: apply (rollback script: $Rollback)"
} else {
  Write-Output 'mode: dry run (nothing is changed; pass -Apply to change)'
}

function Add-Rollback([string]$Line) {
  if ($Apply) { Add-Content -LiteralPath $Rollback -Encoding UTF8 -Value $Line }
}

function Save-Rollback([string]$Path, [string]$Sddl) {
  if ($Apply) { Add-Content -LiteralPath $Rollback -Encoding UTF8 -Value ('Restore-Sddl ' + (ConvertTo-Literal $Path) + ' ' + (ConvertTo-Literal $Sddl)) }
}

# Sets one registry value (key `HKLM\...` or `HKCU\...`, type String or DWord). The key is made when
# missing; the rollback removes a key it made, or restores the value's old data and kind, or removes it.
function Set-RegistryValue([string]$Key, [string]$Name, [string]$Type, [string]$Value) {
  if ($Key -notmatch '^(HKLM|HKCU)\\') { Write-Refusal "${Key}: only HKLM and HKCU keys are set"; return }
  if ($Type -ne 'String' -and $Type -ne 'DWord') { Write-Refusal "${Key}\${Name}: unknown value type $Type"; return }
  $path = 'Registry::' + ($Key -replace '^HKLM\\', 'HKEY_LOCAL_MACHINE\' -replace '^HKCU\\', 'HKEY_CURRENT_USER\')
  if ($Type -eq 'DWord') { $wanted = [int]$Value } else { $wanted = $Value }
  $keyExists = Test-Path -LiteralPath $path
  $current = $null
  $kind = $null
  if ($keyExists) {
    $item = Get-Item -LiteralPath $path
    if ($item.GetValueNames() -contains $Name) { $current = $item.GetValue($Name, $null, 'DoNotExpandEnvironmentNames'); $kind = $item.GetValueKind($Name) }
  }
  if ($null -ne $current -and "$current" -eq "$wanted" -and "$kind" -eq $Type) { Write-Note "ok: ${Key}\${Name} is already $Value"; return }
  $script:Changes++
  $was = if ($null -eq $current) { 'unset' } else { "$current ($kind)" }
  Write-Output "set ${Key}\${Name} ($Type): $was -> $Value"
  if (-not $Apply) { return }
  if (-not $keyExists) {
    Add-Rollback ('Remove-Item -LiteralPath ' + (ConvertTo-Literal $path) + ' -Recurse')
    New-Item -Path $path -Force | Out-Null
  } elseif ($null -eq $current) {
    # After a key this script made is removed (an earlier rollback line), the value is gone already.
    Add-Rollback ('Remove-ItemProperty -LiteralPath ' + (ConvertTo-Literal $path) + ' -Name ' + (ConvertTo-Literal $Name) + ' -ErrorAction SilentlyContinue')
  } else {
    Add-Rollback ('New-ItemProperty -LiteralPath ' + (ConvertTo-Literal $path) + ' -Name ' + (ConvertTo-Literal $Name) + ' -PropertyType ' + $kind + ' -Value ' + (ConvertTo-Literal "$current") + ' -Force | Out-Null')
  }
  New-ItemProperty -LiteralPath $path -Name $Name -PropertyType $Type -Value $wanted -Force | Out-Null
  Write-Note ('now ' + (Get-Item -LiteralPath $path).GetValue($Name))
}

# Removes the Allow entries of one SID; an inherited entry is first turned into an explicit copy
# (inheritance protected) so that it can be removed from this path alone.
function Remove-AclEntry([string]$Path, [string]$Sid, [string]$Principal) {
  if (-not (Test-Path -LiteralPath $Path)) { Write-Note "skip: $Path no longer exists"; return }
  $acl = Get-Acl -LiteralPath $Path
  $identity = New-Object System.Security.Principal.SecurityIdentifier($Sid)
  $rules = @($acl.GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier]) |
    Where-Object { $_.IdentityReference -eq $identity -and $_.AccessControlType -eq 'Allow' })
  if ($rules.Count -eq 0) { Write-Note "ok: $Path grants $Principal nothing"; return }
  $script:Changes++
  Write-Output "remove ACL entry $Principal ($Sid) from $Path"
  if (-not $Apply) { return }
  Save-Rollback $Path $acl.Sddl
  if (@($rules | Where-Object { $_.IsInherited }).Count -gt 0) {
    $acl.SetAccessRuleProtection($true, $true)
    Set-Acl -LiteralPath $Path -AclObject $acl
    $acl = Get-Acl -LiteralPath $Path
  }
  foreach ($rule in @($acl.GetAccessRules($true, $false, [System.Security.Principal.SecurityIdentifier]) |
      Where-Object { $_.IdentityReference -eq $identity -and $_.AccessControlType -eq 'Allow' })) {
    [void]$acl.RemoveAccessRuleSpecific($rule)
  }
  Set-Acl -LiteralPath $Path -AclObject $acl
  Write-Note ('now: ' + (Get-Acl -LiteralPath $Path).AccessToString.Replace("`n", '; '))
}

function Set-FileOwner([string]$Path, [string]$User) {
  if (-not (Test-Path -LiteralPath $Path)) { Write-Note "skip: $Path no longer exists"; return }
  $acl = Get-Acl -LiteralPath $Path
  $wanted = New-Object System.Security.Principal.NTAccount($User)
  try { $wantedSid = $wanted.Translate([System.Security.Principal.SecurityIdentifier]) } catch { Write-Refusal "${Path}: no account named $User"; return }
  $current = $acl.GetOwner([System.Security.Principal.SecurityIdentifier])
  if ($current -eq $wantedSid) { Write-Note "ok: $Path already belongs to $User"; return }
  $script:Changes++
  Write-Output "owner of ${Path}: $($acl.Owner) -> $User"
  if (-not $Apply) { return }
  Save-Rollback $Path $acl.Sddl
  $acl.SetOwner($wanted)
  Set-Acl -LiteralPath $Path -AclObject $acl
}

# One outbound allow rule of the egress policy (firewall-egress), found again by its Name: added when
# missing, its remote addresses set when they differ. The rollback removes a rule it added or puts the old
# addresses back. Addresses come comma-separated (addresses and CIDRs, no spaces).
function Set-EgressAllowRule([string]$Name, [string]$Group, [string]$Protocol, [string]$Port, [string]$Addresses, [string]$Why) {
  $wanted = @($Addresses.Split(',') | Where-Object { $_ })
  $rule = Get-NetFirewallRule -Name $Name -ErrorAction SilentlyContinue
  if ($rule) {
    $current = @((Get-NetFirewallAddressFilter -AssociatedNetFirewallRule $rule).RemoteAddress)
    $same = ((@($current | Sort-Object) -join ',') -eq (@($wanted | Sort-Object) -join ','))
    if ($same -and "$($rule.Action)" -eq 'Allow' -and "$($rule.Direction)" -eq 'Outbound' -and "$($rule.Enabled)" -eq 'True') { Write-Note "ok: firewall rule $Name allows $Addresses"; return }
    $script:Changes++
    Write-Output "firewall rule ${Name}: remote addresses $($current -join ',') -> $Addresses (outbound, allow, enabled)"
    if (-not $Apply) { return }
    Add-Rollback ('Set-NetFirewallRule -Name ' + (ConvertTo-Literal $Name) + ' -RemoteAddress @(' + ((@($current) | ForEach-Object { ConvertTo-Literal "$_" }) -join ',') + ') -Action ' + (ConvertTo-Literal "$($rule.Action)") + ' -Enabled ' + (ConvertTo-Literal "$($rule.Enabled)"))
    Set-NetFirewallRule -Name $Name -RemoteAddress $wanted -Action Allow -Direction Outbound -Enabled True
    return
  }
  $script:Changes++
  Write-Output "add outbound allow rule $Name ($Why): $Protocol $(if ($Port) { "port $Port " })to $Addresses"
  if (-not $Apply) { return }
  $settings = @{ Name = $Name; DisplayName = "${Group}: $Why"; Group = $Group; Direction = 'Outbound'; Action = 'Allow'; Profile = 'Any'; RemoteAddress = $wanted }
  if ($Protocol -ne 'Any') { $settings.Protocol = $Protocol }
  if ($Port) { $settings.RemotePort = $Port }
  New-NetFirewallRule @settings | Out-Null
  Add-Rollback ('Remove-NetFirewallRule -Name ' + (ConvertTo-Literal $Name))
}

# Every firewall profile on, with outbound Block by default (after the allow rules are in place). Group
# Policy settings win over these: where a GPO sets the profiles, change it there.
function Set-DefaultOutboundBlock {
  foreach ($fwProfile in @(Get-NetFirewallProfile)) {
    $name = "$($fwProfile.Name)"
    if ("$($fwProfile.Enabled)" -eq 'True' -and "$($fwProfile.DefaultOutboundAction)" -eq 'Block') { Write-Note "ok: the $name profile is on and blocks outbound by default"; continue }
    $script:Changes++
    Write-Output "firewall profile ${name}: Enabled $($fwProfile.Enabled) -> True, DefaultOutboundAction $($fwProfile.DefaultOutboundAction) -> Block"
    if (-not $Apply) { continue }
    Add-Rollback ('Set-NetFirewallProfile -Name ' + (ConvertTo-Literal $name) + ' -Enabled ' + (ConvertTo-Literal "$($fwProfile.Enabled)") + ' -DefaultOutboundAction ' + (ConvertTo-Literal "$($fwProfile.DefaultOutboundAction)"))
    Set-NetFirewallProfile -Name $name -Enabled True -DefaultOutboundAction Block
  }
}

function Write-Manual([string]$Check, [string]$Text, [string]$Reference = '') {
  Write-Output "MANUAL ($Check): $Text"
  if ($Reference) { Write-Note "see $Reference" }
}

# @STEPS@

if ($Apply) {
  Write-Output "done: $($script:Changes) change(s) made, $($script:Refused) refused; undo with: & $Rollback"
} else {
  Write-Output "dry run: $($script:Changes) change(s) would be made, $($script:Refused) refused"
}
if ($script:Refused -gt 0) { exit 3 }
