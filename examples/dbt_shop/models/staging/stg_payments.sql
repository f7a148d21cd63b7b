-- depends_on: {{ ref('raw_payments') }}
select
    id as payment_id,
    order_id,
    payment_method,
    {{ cents_to_yen('amount') }} as amount
from {{ source('shop_raw', 'raw_payments') }}
