"""The report page's style sheet and its one small script (sorting,
filtering and paging the file table; a file's findings rendered on demand
from the data embedded in the page). Inlined: the page needs no network."""

from __future__ import annotations

from typing import Final

CSS: Final = """
:root{--err:#c62828;--warn:#ef8f00;--info:#5b7fa6;--ok:#2e7d32;--ink:#1d2733;--mute:#5f6b7a;
--line:#dde3ea;--bg:#f4f6f9;--head:#15324f}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);background:var(--bg)}
header{background:var(--head);color:#fff;padding:22px 32px 18px}
header h1{margin:0;font-size:24px;font-weight:600}
header p{margin:4px 0 0;color:#c9d6e6}
main{max-width:1240px;margin:0 auto;padding:20px 32px 48px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:0 0 18px}
h2{font-size:17px;margin:0 0 12px}
h3{font-size:15px;margin:14px 0 6px}
.verdict{font-size:16px;margin:0 0 14px}
.verdict b.bad{color:var(--err)} .verdict b.good{color:var(--ok)}
.cards{display:grid;grid-template-columns:repeat(6,1fr);gap:12px}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 12px;background:#fbfcfd}
.card .n{font-size:24px;font-weight:650;display:block}
.card .t{color:var(--mute);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card.err .n{color:var(--err)} .card.warn .n{color:var(--warn)} .card.info .n{color:var(--info)}
.card.ok .n{color:var(--ok)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--mute);text-transform:uppercase;letter-spacing:.03em;background:#fafbfc}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.kv th{width:210px;text-transform:none;font-size:13px;letter-spacing:0;background:none}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:8px 28px}
figure.chart{margin:0 0 10px}
figure.chart svg{max-width:100%;height:auto}
figure.chart figcaption{font-weight:600;margin:0 0 6px}
svg text{font:12px system-ui,sans-serif;fill:var(--ink)}
svg text.l{text-anchor:end} svg text.c{text-anchor:middle} svg a text{fill:#1a5fb4}
.legend span{display:inline-block;margin-right:14px;font-size:12px;color:var(--mute)}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
.sev{display:inline-block;min-width:62px;padding:1px 6px;border-radius:10px;color:#fff;font-size:11.5px;
text-align:center;font-weight:600}
.sev.error{background:var(--err)} .sev.warning{background:var(--warn)} .sev.info{background:var(--info)}
.sev.passed{background:var(--ok)}
a{color:#1a5fb4;text-decoration:none} a:hover{text-decoration:underline}
.tools{display:flex;gap:10px;align-items:center;margin:0 0 10px;flex-wrap:wrap}
.tools input{flex:1;min-width:220px;padding:6px 9px;border:1px solid #b9c3cf;border-radius:5px;font:inherit}
.tools select,.tools button{padding:5px 8px;border:1px solid #b9c3cf;border-radius:5px;background:#fff;font:inherit}
#files th[data-k]{cursor:pointer;user-select:none}
#files th[data-k]:after{content:" \\2195";color:#aab}
#files tbody tr{cursor:pointer} #files tbody tr:hover{background:#f0f5fb}
#files tbody tr.sel{background:#e3edf9}
.path{color:var(--mute)}
.detail h3{display:flex;justify-content:space-between}
.detail table{margin:0 0 8px;table-layout:fixed}
.detail td{overflow-wrap:anywhere}
.detail th:nth-child(1){width:84px}.detail th:nth-child(2){width:250px}.detail th:nth-child(3){width:24%}
.detail th:nth-child(4){width:52px}.detail th:nth-child(5){width:18%}
.codes dt{font-weight:600;margin-top:12px}
.codes dd{margin:2px 0 0 0}
.codes pre{background:#f6f8fa;border:1px solid var(--line);padding:6px 8px;overflow-x:auto;margin:6px 0 0;
font-size:12px;white-space:pre-wrap}
.none,.note{color:var(--mute)}
footer{color:var(--mute);font-size:12px;text-align:center;margin:10px 0 30px}
@media (max-width:900px){.grid{grid-template-columns:1fr}.cards{grid-template-columns:repeat(3,1fr)}}
@media print{header{background:#fff;color:var(--ink)}.tools,#pager{display:none}}
"""

SCRIPT: Final = r"""
(function(){
const D=JSON.parse(document.getElementById('mdict-data').textContent);
const S=D.strings, SEV=['error','warning','info'];
const s=i=>i<0?'':S[i];
const rows=D.rows.map((r,n)=>({n:n,dir:s(r[0]),base:s(r[1]),sop:s(r[2]),e:r[3],w:r[4],i:r[5],d:r[6],c:r[7]}));
const cs=document.getElementById('code');
function codeOf(){const v=cs.value;return v?S.indexOf(v):-2;}
rows.forEach(r=>{r.file=r.dir+r.base;r.key=(r.file+' '+r.sop).toLowerCase();});
const sizes=document.getElementById('rows'),asked=new URLSearchParams(location.search).get('rows');
if(asked&&[...sizes.options].some(o=>o.value===asked))sizes.value=asked;
let PAGE=0,view=rows.slice(),page=0,sortKey='e',desc=true;
function pageSize(){PAGE=sizes.value==='all'?Math.max(1,rows.length):+sizes.value;}
const tb=document.querySelector('#files tbody'),q=document.getElementById('filter'),
st=document.getElementById('status'),pg=document.getElementById('pageinfo'),out=document.getElementById('detail');
function esc(t){return String(t).replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));}
function cmp(a,b){const x=a[sortKey],y=b[sortKey];
 let c=(typeof x==='number')?x-y:(x<y?-1:x>y?1:0);
 if(c===0&&sortKey==='e'){c=(a.w-b.w)||(a.i-b.i);}
 if(c===0)return a.n-b.n;return desc?-c:c;}
function apply(){const t=q.value.trim().toLowerCase(),f=st.value,k=codeOf();
 view=rows.filter(r=>(!t||r.key.includes(t))&&(k===-2||r.c.includes(k))&&
  (f==='all'||(f==='failed'?r.e>0:f==='passed'?r.e===0:r.d>=0)));
 view.sort(cmp);page=0;draw();}
function badge(r){return r.e>0?'<span class="sev error">failed</span>':'<span class="sev passed">passed</span>';}
function draw(){const pages=Math.max(1,Math.ceil(view.length/PAGE));if(page>=pages)page=pages-1;
 const part=view.slice(page*PAGE,page*PAGE+PAGE);
 tb.innerHTML=part.map(r=>'<tr data-n="'+r.n+'"><td>'+badge(r)+'</td><td class="mono"><span class="path">'+esc(r.dir)+
  '</span>'+esc(r.base)+'</td><td>'+esc(r.sop||'(no SOP class)')+'</td><td class="num">'+r.e+'</td><td class="num">'+
  r.w+'</td><td class="num">'+r.i+'</td></tr>').join('');
 pg.textContent=view.length?('files '+(page*PAGE+1)+'-'+(page*PAGE+part.length)+' of '+view.length+
  (view.length<rows.length?' (filtered from '+rows.length+')':'')+', page '+(page+1)+' of '+pages):'no file matches';}
function finding(f){const sev=SEV[f[1]],tag=s(f[2]),name=s(f[3]),path=s(f[4]),code=s(f[0]);
 const nested=path&&path!==tag&&path.indexOf('/')>=0;
 return '<tr><td><span class="sev '+sev+'">'+sev+'</span></td><td><a href="#code-'+code+'" class="mono">'+code+
  '</a></td><td><span class="mono">'+esc(tag)+'</span> '+esc(name)+(nested?'<div class="path mono">'+esc(path)+'</div>':'')+
  '</td><td>'+esc(s(f[6]))+'</td><td class="mono">'+esc(s(f[7]))+'</td><td>'+esc(s(f[8]))+
  (f[9]>0?' <span class="path">(value '+f[9]+')</span>':'')+'</td></tr>';}
function show(n){const r=rows[n];tb.querySelectorAll('tr.sel').forEach(x=>x.classList.remove('sel'));
 const tr=tb.querySelector('tr[data-n="'+n+'"]');if(tr)tr.classList.add('sel');
 if(D.split){location.href=D.split+String(n+1).padStart(6,'0')+'.html';return;}
 let h='<h2>'+esc(r.file)+'</h2><p class="path mono">'+esc(D.folder+r.file)+'</p><p>'+esc(r.sop||'(no SOP class)')+' '+esc(D.command||'')+': '+r.e+' errors, '+r.w+
  ' warnings, '+r.i+' info</p>';
 if(r.d<0){h+=r.e+r.w+r.i?'<p class="note">Findings of this file are not embedded (only the '+D.details.length+
  ' worst files are). Render the results with <code>mdict report --split</code> or a larger <code>--worst</code>.</p>':
  '<p class="note">No findings.</p>';}
 else{const groups=new Map();D.details[r.d].forEach(f=>{const m=s(f[5])||'(module not recorded)';
  if(!groups.has(m))groups.set(m,[]);groups.get(m).push(f);});
  const order=[...groups.entries()].sort((a,b)=>rank(a[1])-rank(b[1]));
  order.forEach(([m,fs])=>{h+='<h3><span>'+esc(m)+'</span><span class="note">'+fs.length+' finding'+(fs.length>1?'s':'')+
   '</span></h3><table><thead><tr><th>Severity</th><th>Code</th><th>Attribute</th><th>Type</th><th>Condition</th>'+
   '<th>Message</th></tr></thead><tbody>'+fs.map(finding).join('')+'</tbody></table>';});}
 out.innerHTML=h;out.hidden=false;history.replaceState(null,'','#file-'+(n+1));out.scrollIntoView({block:'start'});}
function rank(fs){return Math.min(...fs.map(f=>f[1]))*1e6-fs.length;}
document.querySelectorAll('#files th[data-k]').forEach(th=>th.addEventListener('click',()=>{
 const k=th.dataset.k;desc=(k===sortKey)?!desc:(k==='e'||k==='w'||k==='i');sortKey=k;apply();}));
q.addEventListener('input',apply);st.addEventListener('change',apply);cs.addEventListener('change',apply);
const askedCode=new URLSearchParams(location.search).get('code');
if(askedCode&&[...cs.options].some(o=>o.value===askedCode))cs.value=askedCode;
sizes.addEventListener('change',()=>{pageSize();page=0;draw();});
document.getElementById('prev').addEventListener('click',()=>{if(page>0){page--;draw();}});
document.getElementById('next').addEventListener('click',()=>{if((page+1)*PAGE<view.length){page++;draw();}});
tb.addEventListener('click',e=>{const tr=e.target.closest('tr');if(tr)show(+tr.dataset.n);});
document.querySelectorAll('a[data-file]').forEach(a=>a.addEventListener('click',e=>{
 if(!D.split){e.preventDefault();show(+a.dataset.file);}}));
document.querySelectorAll('a[data-code]').forEach(a=>a.addEventListener('click',()=>{
 cs.value=a.dataset.code;st.value='all';q.value='';apply();}));
document.getElementById('filesjs').hidden=false;
pageSize();apply();
const linked=/^#file-(\d+)$/.exec(location.hash);if(linked&&+linked[1]>=1&&+linked[1]<=rows.length)show(+linked[1]-1);
document.documentElement.dataset.readyMs=Math.round(performance.now());
})();
"""
