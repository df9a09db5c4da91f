import type { CstNode, ICstVisitor, IToken } from "chevrotain";

export interface StatementCstNode extends CstNode {
  name: "statement";
  children: StatementCstChildren;
}

export type StatementCstChildren = {
  vipStatement?: VipStatementCstNode[];
  serviceStatement?: ServiceStatementCstNode[];
  addStatement?: AddStatementCstNode[];
  setStatement?: SetStatementCstNode[];
  delStatement?: DelStatementCstNode[];
  drainStatement?: DrainStatementCstNode[];
  maintenanceStatement?: MaintenanceStatementCstNode[];
  useStatement?: UseStatementCstNode[];
  arpStatement?: ArpStatementCstNode[];
  checkStatement?: CheckStatementCstNode[];
  sorryStatement?: SorryStatementCstNode[];
  quorumStatement?: QuorumStatementCstNode[];
  inhibitStatement?: InhibitStatementCstNode[];
  directorStatement?: DirectorStatementCstNode[];
  engineStatement?: EngineStatementCstNode[];
  syncStatement?: SyncStatementCstNode[];
  hostStatement?: HostStatementCstNode[];
  clearStatement?: ClearStatementCstNode[];
  showStatement?: ShowStatementCstNode[];
  watchStatement?: WatchStatementCstNode[];
  doctorStatement?: DoctorStatementCstNode[];
  commitStatement?: CommitStatementCstNode[];
  confirmStatement?: ConfirmStatementCstNode[];
  rollbackStatement?: RollbackStatementCstNode[];
  abortStatement?: AbortStatementCstNode[];
  saveStatement?: SaveStatementCstNode[];
  loadStatement?: LoadStatementCstNode[];
  helpStatement?: HelpStatementCstNode[];
};

export interface VipStatementCstNode extends CstNode {
  name: "vipStatement";
  children: VipStatementCstChildren;
}

export type VipStatementCstChildren = {
  Kw_vip: IToken[];
  address: AddressCstNode[];
  Kw_on?: IToken[];
  iface?: IfaceCstNode[];
};

export interface ServiceStatementCstNode extends CstNode {
  name: "serviceStatement";
  children: ServiceStatementCstChildren;
}

export type ServiceStatementCstChildren = {
  Kw_service: IToken[];
  serviceSpec: ServiceSpecCstNode[];
  serviceOption?: ServiceOptionCstNode[];
};

export interface ServiceSpecCstNode extends CstNode {
  name: "serviceSpec";
  children: ServiceSpecCstChildren;
}

export type ServiceSpecCstChildren = {
  Kw_fwmark?: IToken[];
  mark?: IToken[];
  Kw_ipv6?: IToken[];
  Protocol?: IToken[];
  endpoint?: IToken[];
};

export interface ServiceOptionCstNode extends CstNode {
  name: "serviceOption";
  children: ServiceOptionCstChildren;
}

export type ServiceOptionCstChildren = {
  scheduler?: SchedulerCstNode[];
  Kw_persistent?: IToken[];
  timeout?: IToken[];
  Kw_netmask?: IToken[];
  mask?: IToken[];
  Kw_flags?: IToken[];
  flagList?: IToken[];
  Kw_one_packet?: IToken[];
  Kw_pe?: IToken[];
  Kw_sip?: IToken[];
};

export interface SchedulerCstNode extends CstNode {
  name: "scheduler";
  children: SchedulerCstChildren;
}

export type SchedulerCstChildren = {
  Scheduler: IToken[];
};

export interface AddStatementCstNode extends CstNode {
  name: "addStatement";
  children: AddStatementCstChildren;
}

export type AddStatementCstChildren = {
  Kw_add: IToken[];
  Kw_rs: IToken[];
  realServer: RealServerCstNode[];
  rsOption?: RsOptionCstNode[];
};

export interface SetStatementCstNode extends CstNode {
  name: "setStatement";
  children: SetStatementCstChildren;
}

export type SetStatementCstChildren = {
  Kw_set: IToken[];
  Kw_rs: IToken[];
  realServer: RealServerCstNode[];
  rsOption: RsOptionCstNode[];
};

export interface RealServerCstNode extends CstNode {
  name: "realServer";
  children: RealServerCstChildren;
}

export type RealServerCstChildren = {
  Value: IToken[];
};

export interface RsOptionCstNode extends CstNode {
  name: "rsOption";
  children: RsOptionCstChildren;
}

export type RsOptionCstChildren = {
  Kw_dr?: IToken[];
  Kw_nat?: IToken[];
  Kw_tun?: IToken[];
  Kw_type?: IToken[];
  TunType?: IToken[];
  Kw_port?: IToken[];
  tunPort?: IToken[];
  CsumMode?: IToken[];
  Kw_weight?: IToken[];
  weight?: IToken[];
  Kw_min?: IToken[];
  min?: IToken[];
  Kw_max?: IToken[];
  max?: IToken[];
};

export interface DelStatementCstNode extends CstNode {
  name: "delStatement";
  children: DelStatementCstChildren;
}

export type DelStatementCstChildren = {
  Kw_del: IToken[];
  Kw_rs?: IToken[];
  realServer?: RealServerCstNode[];
  Kw_service?: IToken[];
  serviceSpec?: ServiceSpecCstNode[];
  Kw_vip?: IToken[];
  address?: AddressCstNode[];
};

export interface DrainStatementCstNode extends CstNode {
  name: "drainStatement";
  children: DrainStatementCstChildren;
}

export type DrainStatementCstChildren = {
  Kw_drain: IToken[];
  Kw_rs: IToken[];
  realServer: RealServerCstNode[];
  Kw_from?: IToken[];
  serviceSpec?: ServiceSpecCstNode[];
  Kw_timeout?: IToken[];
  duration?: IToken[];
  Kw_then?: IToken[];
  Kw_del?: IToken[];
  Kw_keep?: IToken[];
  Kw_force?: IToken[];
};

export interface MaintenanceStatementCstNode extends CstNode {
  name: "maintenanceStatement";
  children: MaintenanceStatementCstChildren;
}

export type MaintenanceStatementCstChildren = {
  Kw_maintenance: IToken[];
  Kw_rs: IToken[];
  realServer: RealServerCstNode[];
  Kw_on?: IToken[];
  Kw_off?: IToken[];
};

export interface UseStatementCstNode extends CstNode {
  name: "useStatement";
  children: UseStatementCstChildren;
}

export type UseStatementCstChildren = {
  Kw_use: IToken[];
  Kw_service?: IToken[];
  serviceSpec?: ServiceSpecCstNode[];
  Kw_vip?: IToken[];
  address?: AddressCstNode[];
};

export interface ArpStatementCstNode extends CstNode {
  name: "arpStatement";
  children: ArpStatementCstChildren;
}

export type ArpStatementCstChildren = {
  Kw_arp: IToken[];
  Kw_hide: IToken[];
  Kw_on: IToken[];
  Kw_rs: IToken[];
  Kw_via?: IToken[];
  ArpVia?: IToken[];
  Kw_dev?: IToken[];
  iface?: IfaceCstNode[];
};

export interface CheckStatementCstNode extends CstNode {
  name: "checkStatement";
  children: CheckStatementCstChildren;
}

export type CheckStatementCstChildren = {
  Kw_check: IToken[];
  Kw_http?: IToken[];
  Kw_https?: IToken[];
  path?: IToken[];
  Kw_tcp?: IToken[];
  Kw_udp?: IToken[];
  Kw_smtp?: IToken[];
  Kw_ping?: IToken[];
  Kw_dns?: IToken[];
  dnsName?: IToken[];
  Kw_misc?: IToken[];
  command?: IToken[];
  Kw_none?: IToken[];
  checkOption?: CheckOptionCstNode[];
  Kw_rs?: IToken[];
  realServer?: RealServerCstNode[];
};

export interface CheckOptionCstNode extends CstNode {
  name: "checkOption";
  children: CheckOptionCstChildren;
}

export type CheckOptionCstChildren = {
  Kw_expect?: IToken[];
  code?: IToken[];
  Kw_every?: IToken[];
  interval?: IToken[];
  Kw_timeout?: IToken[];
  seconds?: IToken[];
  Kw_retry?: IToken[];
  count?: IToken[];
  Kw_port?: IToken[];
  port?: IToken[];
  Kw_helo?: IToken[];
  helo?: IToken[];
  Kw_type?: IToken[];
  queryType?: IToken[];
  Kw_dynamic?: IToken[];
};

export interface SorryStatementCstNode extends CstNode {
  name: "sorryStatement";
  children: SorryStatementCstChildren;
}

export type SorryStatementCstChildren = {
  Kw_sorry: IToken[];
  Kw_server: IToken[];
  realServer: RealServerCstNode[];
};

export interface QuorumStatementCstNode extends CstNode {
  name: "quorumStatement";
  children: QuorumStatementCstChildren;
}

export type QuorumStatementCstChildren = {
  Kw_quorum: IToken[];
  minWeight: IToken[];
};

export interface InhibitStatementCstNode extends CstNode {
  name: "inhibitStatement";
  children: InhibitStatementCstChildren;
}

export type InhibitStatementCstChildren = {
  Kw_inhibit: IToken[];
  Kw_on: IToken[];
  Kw_failure: IToken[];
};

export interface DirectorStatementCstNode extends CstNode {
  name: "directorStatement";
  children: DirectorStatementCstChildren;
}

export type DirectorStatementCstChildren = {
  Kw_director: IToken[];
  Kw_pair: IToken[];
  address: (AddressCstNode)[];
  Kw_priority?: IToken[];
  priority?: (IToken)[];
  Kw_vrid?: IToken[];
  vrid?: IToken[];
  Kw_interface?: IToken[];
  iface?: IfaceCstNode[];
};

export interface EngineStatementCstNode extends CstNode {
  name: "engineStatement";
  children: EngineStatementCstChildren;
}

export type EngineStatementCstChildren = {
  Kw_engine: IToken[];
  Kw_keepalived?: IToken[];
  Kw_config?: IToken[];
  confPath?: IToken[];
  Kw_lvsh?: IToken[];
};

export interface SyncStatementCstNode extends CstNode {
  name: "syncStatement";
  children: SyncStatementCstChildren;
}

export type SyncStatementCstChildren = {
  Kw_sync: IToken[];
  Kw_daemon: IToken[];
  Kw_on?: IToken[];
  iface?: IfaceCstNode[];
  Kw_id?: IToken[];
  syncId?: IToken[];
  Kw_off?: IToken[];
};

export interface HostStatementCstNode extends CstNode {
  name: "hostStatement";
  children: HostStatementCstChildren;
}

export type HostStatementCstChildren = {
  Kw_host: IToken[];
  Kw_director?: IToken[];
  subject?: IToken[];
  Kw_via: IToken[];
  transport: TransportCstNode[];
};

export interface TransportCstNode extends CstNode {
  name: "transport";
  children: TransportCstChildren;
}

export type TransportCstChildren = {
  Kw_ssh?: IToken[];
  sshTarget?: IToken[];
  Kw_netns?: IToken[];
  netnsName?: IToken[];
  Kw_local?: IToken[];
};

export interface ClearStatementCstNode extends CstNode {
  name: "clearStatement";
  children: ClearStatementCstChildren;
}

export type ClearStatementCstChildren = {
  Kw_clear: IToken[];
};

export interface ShowStatementCstNode extends CstNode {
  name: "showStatement";
  children: ShowStatementCstChildren;
}

export type ShowStatementCstChildren = {
  Kw_show: IToken[];
  ShowTopic?: IToken[];
  arg?: IToken[];
};

export interface WatchStatementCstNode extends CstNode {
  name: "watchStatement";
  children: WatchStatementCstChildren;
}

export type WatchStatementCstChildren = {
  Kw_watch: IToken[];
  serviceSpec?: ServiceSpecCstNode[];
  Kw_interval?: IToken[];
  period?: IToken[];
  Kw_count?: IToken[];
  samples?: IToken[];
  json?: IToken[];
};

export interface DoctorStatementCstNode extends CstNode {
  name: "doctorStatement";
  children: DoctorStatementCstChildren;
}

export type DoctorStatementCstChildren = {
  Kw_doctor: IToken[];
  Kw_candidate?: IToken[];
  serviceSpec?: ServiceSpecCstNode[];
  json?: IToken[];
};

export interface CommitStatementCstNode extends CstNode {
  name: "commitStatement";
  children: CommitStatementCstChildren;
}

export type CommitStatementCstChildren = {
  Kw_commit: IToken[];
  Kw_check?: IToken[];
  Kw_on?: IToken[];
  Kw_director?: IToken[];
  Kw_confirmed?: IToken[];
  duration?: IToken[];
  Kw_comment?: IToken[];
  text?: IToken[];
  Kw_force?: IToken[];
};

export interface ConfirmStatementCstNode extends CstNode {
  name: "confirmStatement";
  children: ConfirmStatementCstChildren;
}

export type ConfirmStatementCstChildren = {
  Kw_confirm: IToken[];
};

export interface RollbackStatementCstNode extends CstNode {
  name: "rollbackStatement";
  children: RollbackStatementCstChildren;
}

export type RollbackStatementCstChildren = {
  Kw_rollback: IToken[];
  revision?: IToken[];
};

export interface AbortStatementCstNode extends CstNode {
  name: "abortStatement";
  children: AbortStatementCstChildren;
}

export type AbortStatementCstChildren = {
  Kw_abort: IToken[];
};

export interface SaveStatementCstNode extends CstNode {
  name: "saveStatement";
  children: SaveStatementCstChildren;
}

export type SaveStatementCstChildren = {
  Kw_save: IToken[];
  Kw_to?: IToken[];
  path?: IToken[];
  Kw_format?: IToken[];
  format?: IToken[];
};

export interface LoadStatementCstNode extends CstNode {
  name: "loadStatement";
  children: LoadStatementCstChildren;
}

export type LoadStatementCstChildren = {
  Kw_load: IToken[];
  path: IToken[];
};

export interface HelpStatementCstNode extends CstNode {
  name: "helpStatement";
  children: HelpStatementCstChildren;
}

export type HelpStatementCstChildren = {
  Kw_help: IToken[];
  topic?: IToken[];
};

export interface AddressCstNode extends CstNode {
  name: "address";
  children: AddressCstChildren;
}

export type AddressCstChildren = {
  Value: IToken[];
};

export interface IfaceCstNode extends CstNode {
  name: "iface";
  children: IfaceCstChildren;
}

export type IfaceCstChildren = {
  AnyWord: IToken[];
};

export interface ICstNodeVisitor<IN, OUT> extends ICstVisitor<IN, OUT> {
  statement(children: StatementCstChildren, param?: IN): OUT;
  vipStatement(children: VipStatementCstChildren, param?: IN): OUT;
  serviceStatement(children: ServiceStatementCstChildren, param?: IN): OUT;
  serviceSpec(children: ServiceSpecCstChildren, param?: IN): OUT;
  serviceOption(children: ServiceOptionCstChildren, param?: IN): OUT;
  scheduler(children: SchedulerCstChildren, param?: IN): OUT;
  addStatement(children: AddStatementCstChildren, param?: IN): OUT;
  setStatement(children: SetStatementCstChildren, param?: IN): OUT;
  realServer(children: RealServerCstChildren, param?: IN): OUT;
  rsOption(children: RsOptionCstChildren, param?: IN): OUT;
  delStatement(children: DelStatementCstChildren, param?: IN): OUT;
  drainStatement(children: DrainStatementCstChildren, param?: IN): OUT;
  maintenanceStatement(children: MaintenanceStatementCstChildren, param?: IN): OUT;
  useStatement(children: UseStatementCstChildren, param?: IN): OUT;
  arpStatement(children: ArpStatementCstChildren, param?: IN): OUT;
  checkStatement(children: CheckStatementCstChildren, param?: IN): OUT;
  checkOption(children: CheckOptionCstChildren, param?: IN): OUT;
  sorryStatement(children: SorryStatementCstChildren, param?: IN): OUT;
  quorumStatement(children: QuorumStatementCstChildren, param?: IN): OUT;
  inhibitStatement(children: InhibitStatementCstChildren, param?: IN): OUT;
  directorStatement(children: DirectorStatementCstChildren, param?: IN): OUT;
  engineStatement(children: EngineStatementCstChildren, param?: IN): OUT;
  syncStatement(children: SyncStatementCstChildren, param?: IN): OUT;
  hostStatement(children: HostStatementCstChildren, param?: IN): OUT;
  transport(children: TransportCstChildren, param?: IN): OUT;
  clearStatement(children: ClearStatementCstChildren, param?: IN): OUT;
  showStatement(children: ShowStatementCstChildren, param?: IN): OUT;
  watchStatement(children: WatchStatementCstChildren, param?: IN): OUT;
  doctorStatement(children: DoctorStatementCstChildren, param?: IN): OUT;
  commitStatement(children: CommitStatementCstChildren, param?: IN): OUT;
  confirmStatement(children: ConfirmStatementCstChildren, param?: IN): OUT;
  rollbackStatement(children: RollbackStatementCstChildren, param?: IN): OUT;
  abortStatement(children: AbortStatementCstChildren, param?: IN): OUT;
  saveStatement(children: SaveStatementCstChildren, param?: IN): OUT;
  loadStatement(children: LoadStatementCstChildren, param?: IN): OUT;
  helpStatement(children: HelpStatementCstChildren, param?: IN): OUT;
  address(children: AddressCstChildren, param?: IN): OUT;
  iface(children: IfaceCstChildren, param?: IN): OUT;
}
