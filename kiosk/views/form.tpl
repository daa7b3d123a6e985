% rebase('base', title=place.name + ' · 报到', body_class='form ' + source, idle=idle, home=action, station=place.name, what='流动党员报到' if source == 'kiosk' else '手机自助报到')
% personal = 'off' if source == 'kiosk' else 'on'
% fields = [('name', '姓名', 'text', 'name', 'text', '请输入姓名'), ('phone', '手机号码', 'tel', 'tel', 'numeric', '11 位手机号码'), ('home_org', '所在党组织（流出地党组织）', 'text', 'off', 'text', '如：某某村党支部'), ('note', '备注（可不填）', 'text', 'off', 'text', '')]
<form class="checkin" method="post" action="{{action}}" autocomplete="{{personal}}" novalidate>
% if errors.get('_'):
  <p class="alert" role="alert">{{errors['_']}}</p>
% end
  <div class="grid">
% for name, label, kind, auto, mode, hint in fields:
%   bad = errors.get(name)
    <div class="field f-{{name}}{{' bad' if bad else ''}}">
      <label for="{{name}}">{{label}}</label>
      <input id="{{name}}" name="{{name}}" type="{{kind}}" inputmode="{{mode}}" value="{{values.get(name, '')}}" maxlength="{{limits[name]}}" autocomplete="{{auto if personal == 'on' else 'off'}}" placeholder="{{hint}}"{{!' aria-invalid="true" aria-describedby="%s-msg"' % name if bad else ''}}>
%   if bad:
      <p class="msg" id="{{name}}-msg">{{bad}}</p>
%   end
    </div>
% end
    <fieldset class="field f-purpose{{' bad' if errors.get('purpose') else ''}}">
      <legend>来访事由</legend>
      <div class="chips">
% for p in purposes:
        <label class="chip"><input type="radio" name="purpose" value="{{p}}"{{!' checked' if values.get('purpose') == p else ''}}><span>{{p}}</span></label>
% end
      </div>
% if errors.get('purpose'):
      <p class="msg" id="purpose-msg">{{errors['purpose']}}</p>
% end
    </fieldset>
  </div>
  <button type="submit" class="submit">提交报到</button>
  <p class="privacy">您填写的信息只用于党员报到，由驿站工作人员保管。</p>
</form>
